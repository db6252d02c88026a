package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"rectify/cases"
)

// MaxJSONBody bounds a JSON request body.
const MaxJSONBody = 1 << 20

// decodeJSON reads exactly one JSON object into v, refusing unknown fields,
// wrong types, trailing data and bodies over the limit. The error names the
// offending field.
func decodeJSON(c *gin.Context, v any) error {
	if ct := c.ContentType(); ct != "application/json" {
		return cases.Invalid("Content-Type", "请求的 Content-Type 须为 application/json，而不是「%s」", ct)
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, MaxJSONBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return cases.Invalid("body", "请求内容超过 %d 字节", MaxJSONBody)
		}
		return cases.Invalid("body", "无法读取请求内容")
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return cases.Invalid("body", "请求内容为空")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if strings.HasPrefix(err.Error(), "json: unknown field ") {
			if path := unknownPath(body, reflect.TypeOf(v)); path != "" {
				return cases.Invalid(path, "未知字段「%s」", path)
			}
		}
		return jsonError(err)
	}
	if dec.More() {
		return cases.Invalid("body", "JSON 对象之后还有多余内容")
	}
	if err := noOperators(body); err != nil {
		return err
	}
	return nil
}

func jsonError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return cases.Invalid("body", "JSON 格式错误（第 %d 字节）", syn.Offset)
	case errors.As(err, &typ):
		field := jsonPath(typ.Field)
		if field == "" {
			field = "body"
		}
		return cases.Invalid(field, "字段 %s 须为%s，而不是%s", field, typeName(typ.Type.Kind().String()), typeName(typ.Value))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		f, _ := strconv.Unquote(strings.TrimPrefix(err.Error(), "json: unknown field "))
		return cases.Invalid(f, "未知字段「%s」", f)
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return cases.Invalid("body", "JSON 内容不完整")
	default:
		return cases.Invalid("body", "JSON 格式错误：%v", err)
	}
}

func typeName(kind string) string {
	switch kind {
	case "int", "int64", "int32":
		return "整数"
	case "number", "float64":
		return "数字"
	case "slice", "array":
		return "数组"
	case "struct", "map", "object":
		return "对象"
	case "string":
		return "字符串"
	case "bool":
		return "布尔值"
	}
	return kind
}

// unknownPath finds the dotted path of the first object key in body that
// has no field in t (the decoder names only the last key).
func unknownPath(body []byte, t reflect.Type) string {
	var v any
	if json.Unmarshal(body, &v) != nil {
		return ""
	}
	var walk func(prefix string, v any, t reflect.Type) string
	walk = func(prefix string, v any, t reflect.Type) string {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		obj, ok := v.(map[string]any)
		if !ok || t.Kind() != reflect.Struct {
			return ""
		}
		for k, sub := range obj {
			f, found := fieldByJSON(t, k)
			if !found {
				return prefix + k
			}
			if p := walk(prefix+k+".", sub, f.Type); p != "" {
				return p
			}
		}
		return ""
	}
	return walk("", v, t)
}

func fieldByJSON(t reflect.Type, key string) (reflect.StructField, bool) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.Anonymous {
			if g, ok := fieldByJSON(f.Type, key); ok {
				return g, true
			}
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" {
			name = f.Name
		}
		if strings.EqualFold(name, key) {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

// noOperators refuses any string value beginning with "$": no field of this
// API legitimately starts with one, and such values are how query-operator
// injection is attempted against MongoDB-backed services.
func noOperators(body []byte) error {
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return nil // already decoded once; cannot happen
	}
	var walk func(path string, v any) error
	walk = func(path string, v any) error {
		switch x := v.(type) {
		case string:
			// Values are trimmed before use: " $where" is "$where".
			if strings.HasPrefix(strings.TrimSpace(x), "$") {
				return cases.Invalid(path, "字段 %s 不能以 $ 开头", path)
			}
		case map[string]any:
			for k, e := range x {
				p := k
				if path != "" {
					p = path + "." + k
				}
				if err := walk(p, e); err != nil {
					return err
				}
			}
		case []any:
			for i, e := range x {
				if err := walk(fmt.Sprintf("%s[%d]", path, i), e); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return walk("", v)
}

// query gives checked access to a request's query string.
type query struct {
	vals url.Values
}

// newQuery refuses parameters not in allowed and values starting with "$".
func newQuery(c *gin.Context, allowed ...string) (query, error) {
	return queryOf(c.Request.URL.Query(), allowed...)
}

// queryOf checks vals as newQuery does.
func queryOf(vals url.Values, allowed ...string) (query, error) {
	ok := map[string]bool{}
	for _, a := range allowed {
		ok[a] = true
	}
	for k, vs := range vals {
		if !ok[k] {
			return query{}, cases.Invalid(k, "未知的查询参数「%s」（可用：%s）", k, strings.Join(allowed, "、"))
		}
		for _, v := range vs {
			if strings.HasPrefix(strings.TrimSpace(v), "$") {
				return query{}, cases.Invalid(k, "%s不能以 $ 开头", paramLabel(k))
			}
			if len(v) > 200 {
				return query{}, cases.Invalid(k, "%s过长", paramLabel(k))
			}
		}
		if len(vs) > 1 && k != "state" {
			return query{}, cases.Invalid(k, "%s只能给出一次", paramLabel(k))
		}
	}
	return query{vals}, nil
}

// paramLabels name the query parameters in the messages about them,
// which the console shows as they are.
var paramLabels = map[string]string{"state": "状态", "source": "来源", "unit": "单位代码", "region": "地区",
	"violation_kind": "问题类型", "light": "预警", "year": "年度", "q": "关键词", "sort": "排序方式", "page": "页码",
	"per_page": "每页条数", "format": "导出格式", "user": "用户", "action": "操作", "level": "密级", "login": "登录名", "target": "对象", "from": "起始日期", "to": "截止日期",
	"returned": "是否被退回", "repeat": "屡查屡犯"}

func paramLabel(k string) string {
	if l, ok := paramLabels[k]; ok {
		return l
	}
	return "参数 " + k
}

func (q query) str(k string) string { return strings.TrimSpace(q.vals.Get(k)) }

func (q query) list(k string) []string {
	var out []string
	for _, v := range q.vals[k] {
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

func (q query) int(k string, lo, hi int) (int, error) {
	s := q.str(k)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, cases.Invalid(k, "%s须为 %d 到 %d 之间的整数", paramLabel(k), lo, hi)
	}
	return n, nil
}

// jsonPath is the JSON name of a field encoding/json reports: it names a
// field of an embedded struct by the struct's Go type first
// ("Registration.title"), which means nothing to a client.
func jsonPath(field string) string {
	parts := strings.Split(field, ".")
	out := parts[:0]
	for _, p := range parts {
		if p != "" && p[0] >= 'A' && p[0] <= 'Z' {
			continue // a Go type name, not a JSON member
		}
		out = append(out, p)
	}
	return strings.Join(out, ".")
}
