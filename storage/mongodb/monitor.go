package mongodb

import (
	"context"
	"sort"
	"sync"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/event"
)

// Commands counts the database commands a store sends, by command name and
// collection ("find events", "insert journal"): what a benchmark or a test
// reads to see how many round trips an operation costs.
type Commands struct {
	mu     sync.Mutex
	counts map[string]int64
	shapes []Shape
	record bool
}

// Shape is the form of one read a store sent: the collection, the fields
// its filter names (operators kept: "_id", "at $gt"), and its sort ("at"
// ascending, "-at" descending).
type Shape struct {
	Command    string
	Collection string
	Filter     []string
	Sort       []string
}

// NewCommands returns a counter. With shapes, it also keeps the shape of
// every read and delete, for the test that checks indexes cover them.
func NewCommands(shapes bool) *Commands {
	return &Commands{counts: map[string]int64{}, record: shapes}
}

// monitor returns the driver hook that feeds the counter.
func (c *Commands) monitor() *event.CommandMonitor {
	return &event.CommandMonitor{Started: func(_ context.Context, e *event.CommandStartedEvent) {
		name := e.CommandName
		col, _ := e.Command.Lookup(name).StringValueOK()
		c.mu.Lock()
		defer c.mu.Unlock()
		c.counts[name+" "+col]++
		if c.record {
			if s, ok := shapeOf(name, col, e.Command); ok {
				c.shapes = append(c.shapes, s)
			}
		}
	}}
}

// Counts returns the counts so far.
func (c *Commands) Counts() map[string]int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]int64, len(c.counts))
	for k, v := range c.counts {
		out[k] = v
	}
	return out
}

// Shapes returns the shapes recorded so far.
func (c *Commands) Shapes() []Shape {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Shape(nil), c.shapes...)
}

// shapeOf extracts the shape of a read or a delete.
func shapeOf(name, col string, cmd bson.Raw) (Shape, bool) {
	s := Shape{Command: name, Collection: col}
	var filter, sortDoc bson.Raw
	switch name {
	case "find":
		filter, _ = cmd.Lookup("filter").DocumentOK()
		sortDoc, _ = cmd.Lookup("sort").DocumentOK()
	case "count":
		filter, _ = cmd.Lookup("query").DocumentOK()
	case "aggregate":
		stages, _ := cmd.Lookup("pipeline").ArrayOK()
		vals, _ := stages.Values()
		for _, v := range vals {
			st, _ := v.DocumentOK()
			if m, ok := st.Lookup("$match").DocumentOK(); ok {
				filter = m
			}
		}
	case "delete", "update":
		arr, _ := cmd.Lookup(map[string]string{"delete": "deletes", "update": "updates"}[name]).ArrayOK()
		vals, _ := arr.Values()
		if len(vals) == 0 {
			return s, false
		}
		first, _ := vals[0].DocumentOK()
		filter, _ = first.Lookup("q").DocumentOK()
	default:
		return s, false
	}
	s.Filter = fieldsOf(filter, "")
	if els, err := sortDoc.Elements(); err == nil {
		for _, e := range els {
			key := e.Key()
			if n, ok := e.Value().AsInt64OK(); ok && n < 0 {
				key = "-" + key
			}
			s.Sort = append(s.Sort, key)
		}
	}
	return s, true
}

// fieldsOf lists the fields a filter constrains, with the operator when it
// is not equality ($and and $or are flattened).
func fieldsOf(filter bson.Raw, prefix string) []string {
	els, err := filter.Elements()
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range els {
		k := e.Key()
		switch k {
		case "$and", "$or":
			arr, _ := e.Value().ArrayOK()
			vals, _ := arr.Values()
			for _, v := range vals {
				d, _ := v.DocumentOK()
				out = append(out, fieldsOf(d, k+" ")...)
			}
			continue
		}
		op := ""
		if d, ok := e.Value().DocumentOK(); ok {
			if inner, err := d.Elements(); err == nil && len(inner) > 0 && len(inner[0].Key()) > 0 && inner[0].Key()[0] == '$' {
				for _, x := range inner {
					op += " " + x.Key()
				}
			}
		}
		out = append(out, prefix+k+op)
	}
	sort.Strings(out)
	return out
}
