package embedded

import (
	"context"
	"testing"
)

func TestStartRefusesBadConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
	}{
		{"ErrNotLoopback", Config{Dir: t.TempDir(), Addr: "0.0.0.0:0"}},
		{"ErrPublicAddress", Config{Dir: t.TempDir(), Addr: "8.8.8.8:27017"}},
		{"ErrBadAddress", Config{Dir: t.TempDir(), Addr: "nonsense"}},
		{"ErrNoDir", Config{}},
		{"ErrPostgreSQLWithoutURL", Config{Backend: "postgresql"}},
		{"ErrUnknownBackend", Config{Backend: "oracle", Dir: t.TempDir()}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if e, err := Start(context.Background(), tt.cfg); err == nil {
				e.Close()
				t.Fatal("want error")
			}
		})
	}
}
