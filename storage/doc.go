// Package storage holds the persistence adapters of Rectify. Its
// subpackages implement the domain's store interfaces: mongodb for any
// MongoDB-wire server, embedded for the FerretDB engine the binary runs when
// no server is configured.
package storage
