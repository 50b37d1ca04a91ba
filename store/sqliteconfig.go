package store

/*
typedef struct sqlite3 sqlite3;
typedef struct sqlite3_api_routines sqlite3_api_routines;

// mattn/go-sqlite3's copy of SQLite, linked into the same binary.
extern int sqlite3_config(int, ...);
extern int sqlite3_db_config(sqlite3*, int, ...);
extern int sqlite3_auto_extension(void (*)(void));

static int memstatus_off(void) {
	return sqlite3_config(9, 0); // 9: SQLITE_CONFIG_MEMSTATUS
}

static int qpsg_on(sqlite3 *db, char **err, const sqlite3_api_routines *api) {
	return sqlite3_db_config(db, 1007, 1, (int*)0); // 1007: SQLITE_DBCONFIG_ENABLE_QPSG
}

static int qpsg_for_every_connection(void) {
	return sqlite3_auto_extension((void (*)(void))qpsg_on);
}
*/
import "C"

// Two process-wide settings of SQLite, made before it initialises (at the first connection opened, after every
// package's init):
//
//   - Allocation statistics off (SQLITE_DEFAULT_MEMSTATUS is on): SQLite counts every allocation under one
//     process-wide mutex, for statistics reviewdesk never reads, and connections reading at once on different cores
//     (an export's readers, the server's lists) queued on it: two readers of an export did 1.1× the work of one
//     instead of about 1.4×.
//   - The query planner stability guarantee on every connection (SQLITE_DBCONFIG_ENABLE_QPSG, through an
//     auto-extension, which SQLite runs for each new connection). Without it, a statement whose plan SQLite may
//     refine from a bound value is marked to be prepared again whenever its parameters are bound anew, and
//     mattn/go-sqlite3 clears the bindings before every execution: five of the reviewing loop's prepared
//     statements (the claim's held-item lookup, the decision's dashboard counts) were parsed and planned again on
//     every claim and decision, 11% of the loop's CPU. Plans are now made once, from the statement alone.
func init() {
	memstatusOff = int(C.memstatus_off())
	qpsgOn = int(C.qpsg_for_every_connection())
}

// memstatusOff and qpsgOn are what SQLite answered: 0 (SQLITE_OK), or 21 (SQLITE_MISUSE) for memstatusOff had it
// been initialised already.
var memstatusOff, qpsgOn int
