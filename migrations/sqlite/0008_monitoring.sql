CREATE TABLE `monitoring_checkins` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`enrolment_id` integer NOT NULL,
	`date` text NOT NULL,
	`day` integer NOT NULL,
	`due_at` integer NOT NULL,
	`status` text DEFAULT 'planned' NOT NULL,
	`conversation_id` integer,
	`queued_at` integer,
	`sent_at` integer,
	`answered_at` integer,
	`has_symptoms` integer,
	`symptoms` text,
	`test_result` text,
	`created_at` integer DEFAULT (CAST(unixepoch('subsec') * 1000 AS INTEGER)) NOT NULL,
	FOREIGN KEY (`enrolment_id`) REFERENCES `monitoring_enrolments`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`conversation_id`) REFERENCES `conversations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `monitoring_checkin_day` ON `monitoring_checkins` (`enrolment_id`,`date`);--> statement-breakpoint
CREATE INDEX `monitoring_checkin_due` ON `monitoring_checkins` (`status`,`due_at`);--> statement-breakpoint
CREATE INDEX `monitoring_checkin_conversation` ON `monitoring_checkins` (`conversation_id`);--> statement-breakpoint
CREATE TABLE `monitoring_enrolments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`contact_id` integer NOT NULL,
	`source_case_id` integer,
	`elicited_at` integer NOT NULL,
	`last_exposure_date` text NOT NULL,
	`quarantine_end` text NOT NULL,
	`test_dates` text NOT NULL,
	`last_checkin_date` text NOT NULL,
	`status` text DEFAULT 'active' NOT NULL,
	`notify_status` text DEFAULT 'pending' NOT NULL,
	`notify_problem` text,
	`channel` text,
	`channel_user_id` text,
	`lang` text DEFAULT 'id' NOT NULL,
	`notified_at` integer,
	`replied_at` integer,
	`symptomatic_at` integer,
	`unresponsive_at` integer,
	`missed_in_row` integer DEFAULT 0 NOT NULL,
	`test_result` text,
	`tested_at` text,
	`result_source` text,
	`became_case_id` integer,
	`closed_at` integer,
	`closed_reason` text,
	`call_outcome` text,
	`call_done_at` integer,
	`call_done_by` integer,
	`created_at` integer DEFAULT (CAST(unixepoch('subsec') * 1000 AS INTEGER)) NOT NULL,
	`updated_at` integer DEFAULT (CAST(unixepoch('subsec') * 1000 AS INTEGER)) NOT NULL,
	FOREIGN KEY (`contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`source_case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`became_case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`call_done_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `monitoring_active_contact` ON `monitoring_enrolments` (`contact_id`) WHERE status = 'active';--> statement-breakpoint
CREATE INDEX `monitoring_contact` ON `monitoring_enrolments` (`contact_id`);--> statement-breakpoint
CREATE INDEX `monitoring_status` ON `monitoring_enrolments` (`status`,`notify_status`);--> statement-breakpoint
CREATE INDEX `monitoring_chat` ON `monitoring_enrolments` (`channel`,`channel_user_id`);--> statement-breakpoint
CREATE TABLE `monitoring_exposures` (
	`exposure_id` integer PRIMARY KEY NOT NULL,
	`enrolment_id` integer,
	`created_at` integer DEFAULT (CAST(unixepoch('subsec') * 1000 AS INTEGER)) NOT NULL,
	FOREIGN KEY (`exposure_id`) REFERENCES `exposures`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`enrolment_id`) REFERENCES `monitoring_enrolments`(`id`) ON UPDATE no action ON DELETE no action
);
