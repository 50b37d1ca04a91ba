package delta

import (
	"context"
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
	})
}
