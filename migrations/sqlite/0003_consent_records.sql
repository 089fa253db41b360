CREATE TABLE `consent_records` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`conversation_id` integer NOT NULL,
	`case_id` integer,
	`flow_id` text NOT NULL,
	`flow_version` integer NOT NULL,
	`step_id` text NOT NULL,
	`text_shown` text NOT NULL,
	`language` text NOT NULL,
	`answer` text NOT NULL,
	`answered_at` integer NOT NULL,
	`created_at` integer DEFAULT (CAST(unixepoch('subsec') * 1000 AS INTEGER)) NOT NULL,
	FOREIGN KEY (`conversation_id`) REFERENCES `conversations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `consent_records_case` ON `consent_records` (`case_id`,`answered_at`);--> statement-breakpoint
CREATE INDEX `consent_records_conversation` ON `consent_records` (`conversation_id`);