CREATE TABLE `erasure_requests` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`subject_hash` text NOT NULL,
	`status` text NOT NULL,
	`requested_by` integer NOT NULL,
	`requested_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`confirmed_by` integer,
	`confirmed_at` integer,
	`result` text
);
--> statement-breakpoint
CREATE INDEX `erasure_requests_status` ON `erasure_requests` (`status`,`requested_at`);--> statement-breakpoint
CREATE TABLE `privacy_redactions` (
	`entity_type` text NOT NULL,
	`entity_id` integer NOT NULL,
	`reason` text NOT NULL,
	`at` integer NOT NULL,
	PRIMARY KEY(`entity_type`, `entity_id`)
);
--> statement-breakpoint
CREATE TABLE `scheduled_jobs` (
	`name` text PRIMARY KEY NOT NULL,
	`due_at` integer NOT NULL,
	`last_run_at` integer,
	`last_result` text
);
