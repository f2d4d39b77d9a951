-- When each administrator last logged in (microseconds since the epoch,
-- 0 = never), for lastAuthenticatedDate in the admin get responses.
ALTER TABLE admins ADD COLUMN last_login BIGINT NOT NULL DEFAULT 0;
