package delta

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// FuzzDeltaLog feeds arbitrary bytes to the log reader as commit 0 of a table. Whatever the input, reading must
// not panic, and a snapshot it returns must hold each logical file once and only decodable paths.
func FuzzDeltaLog(f *testing.F) {
	f.Add([]byte(`{"protocol":{"minReaderVersion":1,"minWriterVersion":2}}
{"metaData":{"id":"x","format":{"provider":"parquet","options":{}},"schemaString":"{\"type\":\"struct\",\"fields\":[{\"name\":\"id\",\"type\":\"long\",\"nullable\":true,\"metadata\":{}}]}","partitionColumns":[],"configuration":{}}}
{"add":{"path":"a%20b.parquet","partitionValues":{},"size":1,"modificationTime":1,"dataChange":true}}
{"remove":{"path":"a b.parquet","dataChange":true}}
{"add":{"path":"c.parquet","partitionValues":{},"size":1,"modificationTime":1,"dataChange":true,"deletionVector":{"storageType":"i","pathOrInlineDv":"x","sizeInBytes":1,"cardinality":1}}}
`))
	f.Add([]byte("{\"txn\":{\"appId\":\"a\",\"version\":1}}\n\n{\"domainMetadata\":{\"domain\":\"d\",\"configuration\":\"\",\"removed\":true}}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		if err := os.MkdirAll(filepath.Join(dir, LogDir), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(CommitPath(dir, 0), data, 0o644); err != nil {
			t.Fatal(err)
		}
		checkFuzzedTable(t, dir)
	})
}

// FuzzDeltaCheckpoint feeds arbitrary bytes to a table that starts from a checkpoint: the checkpoint's Parquet file,
// _last_checkpoint and the commit after it, seeded from a checkpoint this package wrote. Whatever the input,
// reading must not panic, and a snapshot it returns must hold each logical file once and only decodable paths.
func FuzzDeltaCheckpoint(f *testing.F) {
	ctx := context.Background()
	seed := f.TempDir()
	must := func(err error) {
		if err != nil {
			f.Fatal(err)
		}
	}
	created, removed := int64(1), int64(2)
	add := func(path string) Action {
		return Action{Add: &Add{Path: path, PartitionValues: map[string]string{}, Size: 1, ModificationTime: 1, DataChange: true}}
	}
	must(WriteCommit(ctx, seed, 0, []Action{
		{Protocol: &Protocol{MinReaderVersion: 1, MinWriterVersion: 2}},
		{MetaData: &Metadata{ID: "t1", CreatedTime: &created,
			SchemaString: `{"type":"struct","fields":[{"name":"id","type":"string","nullable":false,"metadata":{}}]}`}},
		add("a.parquet"), add("b%20c.parquet"),
	}))
	must(WriteCommit(ctx, seed, 1, []Action{
		{Remove: &Remove{Path: "a.parquet", DeletionTimestamp: &removed, DataChange: true}},
		{Txn: &Txn{AppID: "exporter", Version: 3}},
	}))
	s, err := ReadSnapshot(ctx, seed)
	must(err)
	must(WriteCheckpoint(ctx, s))
	checkpoint, err := os.ReadFile(filepath.Join(seed, LogDir, fmt.Sprintf("%020d.checkpoint.parquet", 1)))
	must(err)
	last, err := os.ReadFile(filepath.Join(seed, LogDir, "_last_checkpoint"))
	must(err)
	f.Add(checkpoint, last, []byte(`{"add":{"path":"d.parquet","partitionValues":{},"size":1,"modificationTime":1,"dataChange":true}}`+"\n"))
	f.Add(checkpoint, []byte(`{"version":1,"size":4,"parts":2}`), []byte(`{"remove":{"path":"b c.parquet","dataChange":true}}`))
	f.Fuzz(func(t *testing.T, checkpoint, last, next []byte) {
		dir := t.TempDir()
		logDir := filepath.Join(dir, LogDir)
		if err := os.MkdirAll(logDir, 0o755); err != nil {
			t.Fatal(err)
		}
		for name, data := range map[string][]byte{
			fmt.Sprintf("%020d.checkpoint.parquet", 1): checkpoint,
			"_last_checkpoint":                         last,
			filepath.Base(CommitPath(dir, 2)):          next,
		} {
			if err := os.WriteFile(filepath.Join(logDir, name), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		checkFuzzedTable(t, dir)
	})
}

// checkFuzzedTable reads the table in dir, if it reads, and checks what any snapshot must hold.
func checkFuzzedTable(t *testing.T, dir string) {
	t.Helper()
	s, err := ReadSnapshot(context.Background(), dir)
	if err != nil {
		return
	}
	seen := map[string]bool{}
	for _, a := range s.Files {
		p, err := DecodePath(a.Path)
		if err != nil {
			t.Fatalf("live file %q has an undecodable path: %v", a.Path, err)
		}
		k := p + "\x00" + a.DeletionVector.UniqueID()
		if seen[k] {
			t.Fatalf("logical file %q listed twice", k)
		}
		seen[k] = true
	}
	_ = s.CheckReadable()
}
