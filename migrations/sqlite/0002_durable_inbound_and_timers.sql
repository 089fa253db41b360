CREATE TABLE `inbound_pending` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`channel` text NOT NULL,
	`channel_message_id` text NOT NULL,
	`channel_user_id` text NOT NULL,
	`item` text NOT NULL,
	`received_at` integer DEFAULT (CAST(unixepoch('subsec') * 1000 AS INTEGER)) NOT NULL,
	`handled_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `inbound_pending_message` ON `inbound_pending` (`channel`,`channel_message_id`);--> statement-breakpoint
CREATE INDEX `inbound_pending_unhandled` ON `inbound_pending` (`channel`,`channel_user_id`,`id`) WHERE handled_at IS NULL;--> statement-breakpoint
CREATE TABLE `timers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`conversation_id` integer NOT NULL,
	`kind` text NOT NULL,
	`due_at` integer NOT NULL,
	`state` text NOT NULL,
	`fired_at` integer,
	`updated_at` integer DEFAULT (CAST(unixepoch('subsec') * 1000 AS INTEGER)) NOT NULL,
	FOREIGN KEY (`conversation_id`) REFERENCES `conversations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `timers_conversation_kind` ON `timers` (`conversation_id`,`kind`);--> statement-breakpoint
CREATE INDEX `timers_due` ON `timers` (`state`,`due_at`);