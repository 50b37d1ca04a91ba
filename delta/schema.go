package delta

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// StructType is a table schema, or a struct column's type, in the log's JSON form (Spark's JSON schema).
type StructType struct {
	Fields []StructField
}

// StructField is one column of a StructType.
type StructField struct {
	Name     string
	Type     DataType
	Nullable bool
	// Metadata is the column metadata, e.g. delta.columnMapping.physicalName; nil is written as {}.
	Metadata map[string]any
}

// DataType is a column type. Primitive types have only Name ("string", "long", "integer", "short", "byte",
// "float", "double", "boolean", "binary", "date", "timestamp", "timestamp_ntz", "decimal(p,s)", "variant", ...);
// complex types have Name "struct", "array" or "map" and the matching fields.
type DataType struct {
	Name string

	Fields []StructField // struct

	ElementType  *DataType // array
	ContainsNull bool      // array

	KeyType           *DataType // map
	ValueType         *DataType // map
	ValueContainsNull bool      // map
}

// ParseSchema parses a metaData schemaString.
func ParseSchema(schemaString string) (*StructType, error) {
	var t DataType
	if err := json.Unmarshal([]byte(schemaString), &t); err != nil {
		return nil, fmt.Errorf("parse schema: %w", err)
	}
	if t.Name != "struct" {
		return nil, fmt.Errorf("parse schema: top-level type is %q, want struct", t.Name)
	}
	return &StructType{Fields: t.Fields}, nil
}

// String returns the schema as a schemaString.
func (s *StructType) String() string {
	b, err := json.Marshal(s)
	if err != nil {
		// Every value of these types marshals unless column metadata holds something JSON cannot carry.
		return fmt.Sprintf("<invalid schema: %v>", err)
	}
	return string(b)
}

// Field returns the top-level column with the given name.
func (s *StructType) Field(name string) (StructField, bool) {
	for _, f := range s.Fields {
		if f.Name == name {
			return f, true
		}
	}
	return StructField{}, false
}

// MarshalJSON writes the schema as {"type":"struct","fields":[...]}.
func (s *StructType) MarshalJSON() ([]byte, error) {
	return json.Marshal(DataType{Name: "struct", Fields: s.Fields})
}

// UnmarshalJSON reads a {"type":"struct",...} object.
func (s *StructType) UnmarshalJSON(b []byte) error {
	var t DataType
	if err := json.Unmarshal(b, &t); err != nil {
		return err
	}
	if t.Name != "struct" {
		return fmt.Errorf("schema type is %q, want struct", t.Name)
	}
	s.Fields = t.Fields
	return nil
}

type jsonField struct {
	Name     string         `json:"name"`
	Type     DataType       `json:"type"`
	Nullable bool           `json:"nullable"`
	Metadata map[string]any `json:"metadata"`
}

// MarshalJSON writes the field with metadata {} when it has none, as Spark does.
func (f StructField) MarshalJSON() ([]byte, error) {
	md := f.Metadata
	if md == nil {
		md = map[string]any{}
	}
	return json.Marshal(jsonField{Name: f.Name, Type: f.Type, Nullable: f.Nullable, Metadata: md})
}

// UnmarshalJSON reads a field object; a field without a name or type is an error.
func (f *StructField) UnmarshalJSON(b []byte) error {
	var jf jsonField
	if err := json.Unmarshal(b, &jf); err != nil {
		return err
	}
	if jf.Name == "" {
		return errors.New("schema field without a name")
	}
	if jf.Type.Name == "" {
		return fmt.Errorf("schema field %q has no type", jf.Name)
	}
	*f = StructField(jf)
	return nil
}

type jsonType struct {
	Type              string        `json:"type"`
	Fields            []StructField `json:"fields,omitempty"`
	ElementType       *DataType     `json:"elementType,omitempty"`
	ContainsNull      *bool         `json:"containsNull,omitempty"`
	KeyType           *DataType     `json:"keyType,omitempty"`
	ValueType         *DataType     `json:"valueType,omitempty"`
	ValueContainsNull *bool         `json:"valueContainsNull,omitempty"`
}

// MarshalJSON writes a primitive type as a JSON string and a complex type as an object.
func (t DataType) MarshalJSON() ([]byte, error) {
	switch t.Name {
	case "struct":
		fields := t.Fields
		if fields == nil {
			fields = []StructField{}
		}
		return json.Marshal(jsonType{Type: "struct", Fields: fields})
	case "array":
		if t.ElementType == nil {
			return nil, errors.New("array type without an element type")
		}
		return json.Marshal(jsonType{Type: "array", ElementType: t.ElementType, ContainsNull: &t.ContainsNull})
	case "map":
		if t.KeyType == nil || t.ValueType == nil {
			return nil, errors.New("map type without a key or value type")
		}
		return json.Marshal(jsonType{Type: "map", KeyType: t.KeyType, ValueType: t.ValueType,
			ValueContainsNull: &t.ValueContainsNull})
	case "":
		return nil, errors.New("data type without a name")
	}
	return json.Marshal(t.Name)
}

// UnmarshalJSON reads either form.
func (t *DataType) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var name string
		if err := json.Unmarshal(b, &name); err != nil {
			return err
		}
		if name == "" {
			return errors.New("empty type name")
		}
		*t = DataType{Name: name}
		return nil
	}
	var jt jsonType
	if err := json.Unmarshal(b, &jt); err != nil {
		return err
	}
	switch jt.Type {
	case "struct":
		*t = DataType{Name: "struct", Fields: jt.Fields}
	case "array":
		if jt.ElementType == nil {
			return errors.New("array type without elementType")
		}
		*t = DataType{Name: "array", ElementType: jt.ElementType, ContainsNull: jt.ContainsNull == nil || *jt.ContainsNull}
	case "map":
		if jt.KeyType == nil || jt.ValueType == nil {
			return errors.New("map type without keyType or valueType")
		}
		*t = DataType{Name: "map", KeyType: jt.KeyType, ValueType: jt.ValueType,
			ValueContainsNull: jt.ValueContainsNull == nil || *jt.ValueContainsNull}
	case "":
		return errors.New("type object without a type")
	default:
		// Newer writers may describe a primitive as an object; keep its name.
		*t = DataType{Name: jt.Type}
	}
	return nil
}

// String returns a short display form such as "long", "array<string>" or "struct<a:int>".
func (t DataType) String() string {
	switch t.Name {
	case "struct":
		parts := make([]string, len(t.Fields))
		for i, f := range t.Fields {
			parts[i] = f.Name + ":" + f.Type.String()
		}
		return "struct<" + strings.Join(parts, ",") + ">"
	case "array":
		if t.ElementType != nil {
			return "array<" + t.ElementType.String() + ">"
		}
	case "map":
		if t.KeyType != nil && t.ValueType != nil {
			return "map<" + t.KeyType.String() + "," + t.ValueType.String() + ">"
		}
	}
	return t.Name
}
