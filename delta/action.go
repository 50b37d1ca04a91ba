package delta

import (
	"encoding/json"
	"strconv"
)

// Action is one line of a commit file: exactly one of its fields is set. Actions this package does not know
// (and fields it does not know) are ignored when reading, as the protocol requires of readers.
type Action struct {
	Add                *Add                `json:"add,omitempty"`
	Remove             *Remove             `json:"remove,omitempty"`
	MetaData           *Metadata           `json:"metaData,omitempty"`
	Protocol           *Protocol           `json:"protocol,omitempty"`
	Txn                *Txn                `json:"txn,omitempty"`
	CommitInfo         map[string]any      `json:"commitInfo,omitempty"`
	CDC                *CDC                `json:"cdc,omitempty"`
	DomainMetadata     *DomainMetadata     `json:"domainMetadata,omitempty"`
	CheckpointMetadata *CheckpointMetadata `json:"checkpointMetadata,omitempty"`
	Sidecar            *Sidecar            `json:"sidecar,omitempty"`
}

// Add adds a logical file (a data file plus an optional deletion vector) to the table.
type Add struct {
	// Path is relative to the table root or an absolute URI, URI-encoded (RFC 2396) as it is in the log; see
	// DecodePath.
	Path string `json:"path"`
	// PartitionValues are serialized as strings (see the protocol's Partition Value Serialization); an empty
	// string means null.
	PartitionValues         map[string]string `json:"partitionValues"`
	Size                    int64             `json:"size"`
	ModificationTime        int64             `json:"modificationTime"`
	DataChange              bool              `json:"dataChange"`
	Stats                   string            `json:"stats,omitempty"`
	Tags                    map[string]string `json:"tags,omitempty"`
	DeletionVector          *DeletionVector   `json:"deletionVector,omitempty"`
	BaseRowID               *int64            `json:"baseRowId,omitempty"`
	DefaultRowCommitVersion *int64            `json:"defaultRowCommitVersion,omitempty"`
	ClusteringProvider      string            `json:"clusteringProvider,omitempty"`
}

// MarshalJSON writes partitionValues as {} rather than null when there are none: the field is required.
func (a Add) MarshalJSON() ([]byte, error) {
	type plain Add
	if a.PartitionValues == nil {
		a.PartitionValues = map[string]string{}
	}
	return json.Marshal(plain(a))
}

// Remove removes a logical file from the table; it stays as a tombstone for VACUUM.
type Remove struct {
	Path                    string            `json:"path"`
	DeletionTimestamp       *int64            `json:"deletionTimestamp,omitempty"`
	DataChange              bool              `json:"dataChange"`
	ExtendedFileMetadata    *bool             `json:"extendedFileMetadata,omitempty"`
	PartitionValues         map[string]string `json:"partitionValues,omitempty"`
	Size                    *int64            `json:"size,omitempty"`
	Stats                   string            `json:"stats,omitempty"`
	Tags                    map[string]string `json:"tags,omitempty"`
	DeletionVector          *DeletionVector   `json:"deletionVector,omitempty"`
	BaseRowID               *int64            `json:"baseRowId,omitempty"`
	DefaultRowCommitVersion *int64            `json:"defaultRowCommitVersion,omitempty"`
}

// MarshalJSON writes partitionValues whenever extendedFileMetadata is set: the flag promises that the partition
// values, size and stats are present, so an unpartitioned table's remove carries an empty object.
func (r Remove) MarshalJSON() ([]byte, error) {
	type plain Remove
	if r.ExtendedFileMetadata == nil || !*r.ExtendedFileMetadata {
		return json.Marshal(plain(r))
	}
	pv := r.PartitionValues
	if pv == nil {
		pv = map[string]string{}
	}
	return json.Marshal(struct {
		plain
		PartitionValues map[string]string `json:"partitionValues"`
	}{plain(r), pv})
}

// DeletionVector describes rows of a data file that are logically deleted. This package does not read deletion
// vectors; it needs them only to tell logical files apart and to refuse tables that use them.
type DeletionVector struct {
	StorageType    string `json:"storageType"`
	PathOrInlineDv string `json:"pathOrInlineDv"`
	Offset         *int32 `json:"offset,omitempty"`
	SizeInBytes    int32  `json:"sizeInBytes"`
	Cardinality    int64  `json:"cardinality"`
}

// UniqueID is the deletion vector's part of a logical file's key, as the protocol derives it.
func (dv *DeletionVector) UniqueID() string {
	if dv == nil {
		return ""
	}
	id := dv.StorageType + dv.PathOrInlineDv
	if dv.Offset != nil {
		id += "@" + strconv.Itoa(int(*dv.Offset))
	}
	return id
}

// Metadata is the table's metadata: its id, schema, partition columns and configuration.
type Metadata struct {
	ID               string            `json:"id"`
	Name             string            `json:"name,omitempty"`
	Description      string            `json:"description,omitempty"`
	Format           Format            `json:"format"`
	SchemaString     string            `json:"schemaString"`
	PartitionColumns []string          `json:"partitionColumns"`
	CreatedTime      *int64            `json:"createdTime,omitempty"`
	Configuration    map[string]string `json:"configuration"`
}

// MarshalJSON writes the required collections as [] and {} rather than null, and the format as parquet when
// the caller left it empty, as Spark and delta-rs write them.
func (m Metadata) MarshalJSON() ([]byte, error) {
	type plain Metadata
	if m.PartitionColumns == nil {
		m.PartitionColumns = []string{}
	}
	if m.Configuration == nil {
		m.Configuration = map[string]string{}
	}
	if m.Format.Provider == "" {
		m.Format.Provider = "parquet"
	}
	return json.Marshal(plain(m))
}

// Schema parses the metadata's schemaString.
func (m *Metadata) Schema() (*StructType, error) { return ParseSchema(m.SchemaString) }

// Format names the encoding of the data files; it is always parquet in practice.
type Format struct {
	Provider string            `json:"provider"`
	Options  map[string]string `json:"options"`
}

// MarshalJSON writes options as {} rather than null.
func (f Format) MarshalJSON() ([]byte, error) {
	type plain Format
	if f.Options == nil {
		f.Options = map[string]string{}
	}
	return json.Marshal(plain(f))
}

// Protocol gives the reader and writer versions a client must implement, and from reader version 3 and writer
// version 7 on, the table features.
type Protocol struct {
	MinReaderVersion int      `json:"minReaderVersion"`
	MinWriterVersion int      `json:"minWriterVersion"`
	ReaderFeatures   []string `json:"readerFeatures,omitempty"`
	WriterFeatures   []string `json:"writerFeatures,omitempty"`
}

// MarshalJSON writes readerFeatures exactly when the reader version is 3 and writerFeatures exactly when the
// writer version is 7, as lists (possibly empty): the protocol requires them there and forbids them elsewhere.
func (p Protocol) MarshalJSON() ([]byte, error) {
	type out struct {
		MinReaderVersion int       `json:"minReaderVersion"`
		MinWriterVersion int       `json:"minWriterVersion"`
		ReaderFeatures   *[]string `json:"readerFeatures,omitempty"`
		WriterFeatures   *[]string `json:"writerFeatures,omitempty"`
	}
	o := out{MinReaderVersion: p.MinReaderVersion, MinWriterVersion: p.MinWriterVersion}
	if p.MinReaderVersion >= 3 {
		rf := append([]string{}, p.ReaderFeatures...)
		o.ReaderFeatures = &rf
	}
	if p.MinWriterVersion >= 7 {
		wf := append([]string{}, p.WriterFeatures...)
		o.WriterFeatures = &wf
	}
	return json.Marshal(o)
}

// Txn records how far an application has written, so that its retried writes can be made idempotent.
type Txn struct {
	AppID       string `json:"appId"`
	Version     int64  `json:"version"`
	LastUpdated *int64 `json:"lastUpdated,omitempty"`
}

// CDC adds a change data file. Snapshots ignore it; it is decoded so that it can be written back unchanged.
type CDC struct {
	Path            string            `json:"path"`
	PartitionValues map[string]string `json:"partitionValues"`
	Size            int64             `json:"size"`
	DataChange      bool              `json:"dataChange"`
	Tags            map[string]string `json:"tags,omitempty"`
}

// MarshalJSON writes partitionValues as {} rather than null.
func (c CDC) MarshalJSON() ([]byte, error) {
	type plain CDC
	if c.PartitionValues == nil {
		c.PartitionValues = map[string]string{}
	}
	return json.Marshal(plain(c))
}

// DomainMetadata carries configuration for a named metadata domain.
type DomainMetadata struct {
	Domain        string `json:"domain"`
	Configuration string `json:"configuration"`
	Removed       bool   `json:"removed"`
}

// CheckpointMetadata appears only in v2 checkpoints.
type CheckpointMetadata struct {
	Version int64             `json:"version"`
	Tags    map[string]string `json:"tags,omitempty"`
}

// Sidecar points a v2 checkpoint at a file in _delta_log/_sidecars holding some of its add and remove actions.
type Sidecar struct {
	Path             string            `json:"path"`
	SizeInBytes      int64             `json:"sizeInBytes"`
	ModificationTime int64             `json:"modificationTime"`
	Tags             map[string]string `json:"tags,omitempty"`
}
