CREATE TABLE `contact_invites` (
	`code_hash` text PRIMARY KEY NOT NULL,
	`case_id` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `contact_invites_case` ON `contact_invites` (`case_id`);