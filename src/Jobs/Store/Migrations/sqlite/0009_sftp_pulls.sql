-- What each source's pull fetched (docs/loading.md, "Pull"): one line per remote file version
-- downloaded into the drop folder. A remote file whose size and modification time match its latest
-- line is not pulled again; one that changed is, and its new content loads as a new version.
CREATE TABLE sftp_pulls (
  pull_id          INTEGER PRIMARY KEY,
  source           TEXT    NOT NULL,
  host             TEXT    NOT NULL,
  remote_path      TEXT    NOT NULL,
  size_bytes       INTEGER NOT NULL,
  modified_at      TEXT    NOT NULL,
  sha256           TEXT    NOT NULL,
  local_file_name  TEXT    NOT NULL,
  pulled_at        TEXT    NOT NULL,
  archived_at      TEXT,
  archive_path     TEXT
);
CREATE INDEX ix_sftp_pulls_remote ON sftp_pulls (source, remote_path, pull_id);
CREATE INDEX ix_sftp_pulls_local ON sftp_pulls (source, local_file_name, pull_id);
