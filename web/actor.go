package web

import (
	"net/url"

	"github.com/gin-gonic/gin"

	"rectify/cases"
)

// Actor headers.
//
// TRUSTED, NOT AUTHENTICATED: until accounts and sessions exist (the
// access-control issue), the caller states who it is and in which role in
// these headers and the server believes it. Do not expose this server
// beyond a trusted network in this state. actorOf is the single place that
// decides the actor of a request, so authentication replaces only it.
const (
	HeaderActor = "X-Rectify-Actor" // user id, e.g. li.ming
	HeaderRole  = "X-Rectify-Role"  // one of cases.Roles
	HeaderName  = "X-Rectify-Name"  // display name, URL-encoded (optional)
)

func actorOf(c *gin.Context) (cases.Actor, error) {
	id, role := c.GetHeader(HeaderActor), cases.Role(c.GetHeader(HeaderRole))
	if id == "" || role == "" {
		return cases.Actor{}, &cases.Error{Code: cases.EUNAUTHORIZED, Field: HeaderActor,
			Message: "say who is acting in the " + HeaderActor + " and " + HeaderRole + " headers"}
	}
	if !cases.ValidUnitCode(id) && !validUserID(id) {
		return cases.Actor{}, cases.Invalid(HeaderActor, "actor id %q is malformed", id)
	}
	if !role.Valid() {
		return cases.Actor{}, cases.Invalid(HeaderRole, "unknown role %q", role)
	}
	name, err := url.QueryUnescape(c.GetHeader(HeaderName))
	if err != nil || len([]rune(name)) > 50 {
		return cases.Actor{}, cases.Invalid(HeaderName, "actor name must be URL-encoded text of at most 50 characters")
	}
	return cases.Actor{ID: id, Name: name, Role: role}, nil
}

func validUserID(id string) bool {
	if len(id) == 0 || len(id) > 64 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-' || r == '@') {
			return false
		}
	}
	return true
}
