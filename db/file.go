package db

import (
	"os"
	"strings"

	"diplomacy-timeline/model"
)

// dbFile is the SQLite database file a store opened. An open connection goes on writing to
// a file that was deleted (or renamed away and replaced), so writes would be acknowledged
// and lost and the server would look healthy: the store checks, before every write and
// after its commit and whenever readiness is asked, that the path still names the file
// it opened.
type dbFile struct {
	path string
	info os.FileInfo
}

// openedFile returns the file behind a SQLite DSN, or nil for an in-memory database.
func openedFile(dsn string) *dbFile {
	path := strings.TrimPrefix(dsn, "file:")
	if i := strings.IndexByte(path, '?'); i >= 0 {
		if strings.Contains(path[i:], "mode=memory") {
			return nil
		}
		path = path[:i]
	}
	if path == "" || path == ":memory:" {
		return nil
	}
	info, err := os.Stat(path)
	if err != nil {
		return nil
	}
	return &dbFile{path: path, info: info}
}

// errFileGone is the refusal of a store whose file is gone.
var errFileGone = &model.Error{Code: model.EUNAVAILABLE,
	Message: "the database file was removed or replaced while the server ran; nothing more can be written or read safely: restore it and restart the server"}

// checkFile reports whether the store's database file is still the one it opened.
func (s *Store) checkFile() error {
	if s.file == nil {
		return nil
	}
	info, err := os.Stat(s.file.path)
	if err != nil || !os.SameFile(info, s.file.info) {
		return errFileGone
	}
	return nil
}
