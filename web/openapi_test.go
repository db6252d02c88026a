package web_test

import (
	"encoding"
	"encoding/json"
	"os"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"gopkg.in/yaml.v3"

	"rectify/web"
)

const openAPIFile = "../docs/openapi.yaml"

// loadOpenAPI loads docs/openapi.yaml with kin-openapi and validates it
// against the OpenAPI 3 specification.
func loadOpenAPI(tb testing.TB) *openapi3.T {
	tb.Helper()
	doc, err := openapi3.NewLoader().LoadFromFile(openAPIFile)
	if err != nil {
		tb.Fatalf("load %s: %v", openAPIFile, err)
	}
	if err := doc.Validate(tb.Context()); err != nil {
		tb.Fatalf("%s is not valid OpenAPI 3: %v", openAPIFile, err)
	}
	return doc
}

// TestOpenAPIValid validates docs/openapi.yaml with a maintained OpenAPI 3
// validator, and refuses any key without a value: an unquoted comma or
// ": " inside a flow mapping's description cuts the text there and turns
// the rest into keys of their own, which a validator accepts wherever
// any key is allowed (properties, examples).
func TestOpenAPIValid(t *testing.T) {
	loadOpenAPI(t)
	raw, err := os.ReadFile(openAPIFile)
	if err != nil {
		t.Fatal(err)
	}
	var root yaml.Node
	if err := yaml.Unmarshal(raw, &root); err != nil {
		t.Fatalf("%s: %v", openAPIFile, err)
	}
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				if v.Kind == yaml.ScalarNode && v.Tag == "!!null" && v.Value == "" {
					t.Errorf("%s:%d:%d: key %q has no value (quote the text it was cut from)", openAPIFile, k.Line, k.Column, k.Value)
				}
			}
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(&root)
}

// TestOpenAPIMatchesRoutes checks that docs/openapi.yaml documents exactly
// the routes the server registers, each with its path parameters.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	doc := loadOpenAPI(t)
	documented := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			documented[strings.ToUpper(method)+" "+path] = true
			if op.Responses == nil || op.Responses.Len() == 0 {
				t.Errorf("%s %s has no responses", method, path)
			}
		}
	}
	s := newEnv(t).Server
	param := regexp.MustCompile(`/:([a-z_]+)`)
	served := map[string]bool{}
	for _, r := range s.Routes() {
		if !strings.HasPrefix(r.Path, "/api/") && r.Path != "/healthz" {
			continue // the console serves HTML, not the API
		}
		p := param.ReplaceAllString(r.Path, "/{$1}")
		p = strings.ReplaceAll(p, `\:`, ":")
		served[r.Method+" "+p] = true
	}
	var missing, extra []string
	for k := range served {
		if !documented[k] {
			missing = append(missing, k)
		}
	}
	for k := range documented {
		if !served[k] {
			extra = append(extra, k)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	if len(missing) > 0 || len(extra) > 0 {
		t.Fatalf("routes not documented: %v\ndocumented but not served: %v", missing, extra)
	}
	if len(served) < 10 {
		t.Fatalf("only %d routes found", len(served))
	}
}

// TestOpenAPIMatchesBodies compares the fields docs/openapi.yaml gives the
// API's main request and response bodies with the JSON fields of the Go
// types the server decodes and encodes them with, both ways, and the type
// of each field: a field renamed, added or dropped in code shows here.
func TestOpenAPIMatchesBodies(t *testing.T) {
	doc := loadOpenAPI(t)
	for _, b := range web.APIBodies {
		t.Run(b.Schema, func(t *testing.T) {
			c := fieldComparer{t: t}
			c.compare("", bodySchema(t, doc, b.Schema), reflect.TypeOf(b.Value))
		})
	}
}

// bodySchema finds the schema a web.APIBody names.
func bodySchema(t *testing.T, doc *openapi3.T, name string) *openapi3.SchemaRef {
	t.Helper()
	parts := strings.Fields(name)
	if len(parts) == 1 {
		s := doc.Components.Schemas[name]
		if s == nil {
			t.Fatalf("no component schema %s", name)
		}
		return s
	}
	if len(parts) != 3 {
		t.Fatalf("body %q is not METHOD path request|STATUS", name)
	}
	item := doc.Paths.Value(parts[1])
	if item == nil {
		t.Fatalf("no path %s", parts[1])
	}
	op := item.GetOperation(parts[0])
	if op == nil {
		t.Fatalf("no operation %s %s", parts[0], parts[1])
	}
	var content openapi3.Content
	if parts[2] == "request" {
		if op.RequestBody == nil || op.RequestBody.Value == nil {
			t.Fatalf("%s has no request body", name)
		}
		content = op.RequestBody.Value.Content
	} else {
		code, err := strconv.Atoi(parts[2])
		if err != nil {
			t.Fatalf("body %q: %v", name, err)
		}
		r := op.Responses.Status(code)
		if r == nil || r.Value == nil {
			t.Fatalf("%s: no such response", name)
		}
		content = r.Value.Content
	}
	mt := content.Get("application/json")
	if mt == nil || mt.Schema == nil {
		t.Fatalf("%s has no application/json schema", name)
	}
	return mt.Schema
}

// fieldComparer walks a schema and a Go type side by side.
type fieldComparer struct {
	t *testing.T
}

var (
	timeType          = reflect.TypeFor[time.Time]()
	jsonMarshalerType = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
)

func (c *fieldComparer) compare(at string, s *openapi3.SchemaRef, typ reflect.Type) {
	for typ.Kind() == reflect.Pointer {
		typ = typ.Elem()
	}
	if s == nil || s.Value == nil {
		return
	}
	sv := s.Value
	name := at
	if name == "" {
		name = "(body)"
	}
	if want := openAPIType(typ); want != "" && !sv.Type.IsEmpty() && !sv.Type.Is(want) {
		c.t.Errorf("%s: documented as %v, served as %s (%s)", name, sv.Type.Slice(), want, typ)
	}
	if typ == timeType || typ.Implements(jsonMarshalerType) || typ.Implements(textMarshalerType) {
		return
	}
	switch typ.Kind() {
	case reflect.Slice, reflect.Array:
		if sv.Items != nil {
			c.compare(at+"[]", sv.Items, typ.Elem())
		}
	case reflect.Map:
		if ap := sv.AdditionalProperties.Schema; ap != nil {
			c.compare(at+"{}", ap, typ.Elem())
		}
	case reflect.Struct:
		if len(sv.Properties) == 0 {
			return // an object documented without its fields
		}
		fields := jsonFields(typ)
		for _, f := range slices.Sorted(func(yield func(string) bool) {
			for k := range fields {
				if !yield(k) {
					return
				}
			}
		}) {
			path := strings.TrimPrefix(at+"."+f, ".")
			ps, ok := sv.Properties[f]
			if !ok {
				c.t.Errorf("%s: served (%s) but not documented", path, fields[f])
				continue
			}
			c.compare(path, ps, fields[f])
		}
		for _, p := range slices.Sorted(func(yield func(string) bool) {
			for k := range sv.Properties {
				if !yield(k) {
					return
				}
			}
		}) {
			if _, ok := fields[p]; !ok {
				c.t.Errorf("%s: documented but not a field of %s", strings.TrimPrefix(at+"."+p, "."), typ)
			}
		}
	}
}

// openAPIType is the OpenAPI type encoding/json gives values of typ, or ""
// when it depends on the value.
func openAPIType(typ reflect.Type) string {
	switch {
	case typ == timeType, typ.Implements(textMarshalerType) && !typ.Implements(jsonMarshalerType):
		return "string"
	case typ.Implements(jsonMarshalerType):
		return ""
	}
	switch typ.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "integer"
	case reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Slice:
		if typ.Elem().Kind() == reflect.Uint8 {
			return "string"
		}
		return "array"
	case reflect.Array:
		return "array"
	case reflect.Struct, reflect.Map:
		return "object"
	}
	return ""
}

// jsonFields lists the JSON object keys encoding/json uses for struct typ,
// with their types: embedded structs without a name are flattened, fields
// tagged "-" and unexported fields are left out.
func jsonFields(typ reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := range typ.NumField() {
		f := typ.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		ft := f.Type
		if f.Anonymous && name == "" {
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				for k, v := range jsonFields(ft) {
					if _, shadowed := out[k]; !shadowed {
						out[k] = v
					}
				}
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = ft
	}
	return out
}
