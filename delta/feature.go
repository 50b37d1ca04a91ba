package delta

import (
	"fmt"
	"sort"
	"strings"
)

// MaxReaderVersion is the newest reader protocol version this package implements.
const MaxReaderVersion = 3

// readableFeature tells the reader features whose requirements this package and its callers meet. timestampNtz
// only adds a type; vacuumProtocolCheck constrains VACUUM, not reads; v2Checkpoint is read by the snapshot code;
// columnMapping is readable in mode none only, which CheckReadable checks against the configuration.
func readableFeature(name string) bool {
	switch name {
	case "timestampNtz", "vacuumProtocolCheck", "v2Checkpoint", "columnMapping":
		return true
	}
	return false
}

// UnsupportedFeatureError says which reader features of a table this package cannot honour.
type UnsupportedFeatureError struct {
	Features []string // sorted
	// Field is the action field that asks for the features: protocol.minReaderVersion, protocol.readerFeatures,
	// metaData.configuration or add.deletionVector.
	Field  string
	Reason string
}

func (e *UnsupportedFeatureError) Error() string {
	return fmt.Sprintf("table needs reader feature %s, which reviewdesk cannot read: %s",
		strings.Join(e.Features, ", "), e.Reason)
}

// CheckReadable reports, as an *UnsupportedFeatureError, why a table with this protocol and configuration cannot
// be read correctly by a reader that resolves columns by name and knows nothing of deletion vectors, type widening
// or variants. nil means it can.
func CheckReadable(p Protocol, configuration map[string]string) error {
	if p.MinReaderVersion > MaxReaderVersion {
		return &UnsupportedFeatureError{
			Features: []string{fmt.Sprintf("minReaderVersion=%d", p.MinReaderVersion)},
			Field:    "protocol.minReaderVersion",
			Reason:   fmt.Sprintf("reader versions up to %d are supported", MaxReaderVersion),
		}
	}
	columnMapping := p.MinReaderVersion == 2
	if p.MinReaderVersion >= 3 {
		var unknown []string
		for _, f := range p.ReaderFeatures {
			if f == "columnMapping" {
				columnMapping = true
			}
			if !readableFeature(f) {
				unknown = append(unknown, f)
			}
		}
		if len(unknown) > 0 {
			sort.Strings(unknown)
			return &UnsupportedFeatureError{Features: unknown, Field: "protocol.readerFeatures", Reason: "rewrite the table without it (for " +
				"deletion vectors: REORG TABLE ... APPLY (PURGE) and drop the feature) or export it to Parquet"}
		}
	}
	if columnMapping {
		if mode := configuration["delta.columnMapping.mode"]; mode != "" && mode != "none" {
			return &UnsupportedFeatureError{Features: []string{"columnMapping"}, Field: "metaData.configuration",
				Reason: fmt.Sprintf("delta.columnMapping.mode is %q; only mode none can be read", mode)}
		}
	}
	return nil
}
