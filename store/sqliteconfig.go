package store

/*
// sqlite3_config is mattn/go-sqlite3's copy of SQLite, linked into the same binary.
extern int sqlite3_config(int, ...);

static int memstatus_off(void) {
	return sqlite3_config(9, 0); // 9: SQLITE_CONFIG_MEMSTATUS
}
*/
import "C"

// SQLite counts every allocation under one process-wide mutex by default (SQLITE_DEFAULT_MEMSTATUS), for statistics
// reviewdesk never reads. Connections reading at once on different cores (an export's readers, the server's lists)
// queued on it: two readers of an export did 1.1× the work of one instead of about 2×. The setting must be made
// before SQLite initialises, which it does at the first connection opened, after every package's init.
func init() {
	memstatusOff = int(C.memstatus_off())
}

// memstatusOff is what SQLite answered: 0 (SQLITE_OK), or 21 (SQLITE_MISUSE) had it been initialised already.
var memstatusOff int
