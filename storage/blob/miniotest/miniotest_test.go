package miniotest

import "testing"

// Two test binaries may pick the same free port at once. The one whose
// MinIO cannot bind must not take the other's server for its own (it
// would stop it under the other's feet): it moves to another port.
func TestStartMovesOffATakenPort(t *testing.T) {
	first := Start(t)
	dir := t.TempDir()
	second := newServer(dir)
	second.Endpoint = first.Endpoint
	if err := second.startFresh(); err != nil {
		t.Fatal(err)
	}
	defer second.Stop()
	if second.Endpoint == first.Endpoint {
		t.Fatalf("the second server took the first one's address %s", first.Endpoint)
	}
	if !second.owns() || !first.owns() {
		t.Fatal("a server does not accept its own credentials")
	}
}
