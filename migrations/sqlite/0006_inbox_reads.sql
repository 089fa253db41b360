CREATE TABLE `inbox_reads` (
	`user_id` integer NOT NULL,
	`conversation_id` integer NOT NULL,
	`last_read_message_id` integer NOT NULL,
	`read_at` integer NOT NULL,
	PRIMARY KEY(`user_id`, `conversation_id`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`conversation_id`) REFERENCES `conversations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `inbox_reads_conversation` ON `inbox_reads` (`conversation_id`);