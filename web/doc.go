// Package web is Rectify's HTTP face: the JSON API under /api/v1 (and, in
// later issues, the server-rendered console). Handlers are thin: parse and
// validate the request, call the cases service, write the answer. The one
// mapping from domain error codes to HTTP status lives in errors.go.
package web
