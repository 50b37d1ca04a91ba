// Package delta reads and writes the transaction log of a Delta Lake table on a local file system, following
// delta-io/delta PROTOCOL.md: the actions and their JSON form, snapshot reconstruction by log replay (from the newest
// checkpoint when there is one), the reader-feature check, per-file statistics and put-if-absent commits.
//
// It is small on purpose: no Go Delta library is available to the project, and reviewdesk needs only to read tables
// that Spark, Databricks or delta-rs wrote (ingest) and to append to its own gold table (exporter). Data files are
// Parquet and are read and written by the callers; this package only tells them which files make up a version.
package delta
