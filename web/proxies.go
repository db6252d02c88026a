package web

import (
	"fmt"
	"net"
	"strings"
)

// CheckTrustedProxies splits a comma-separated list of proxy addresses and
// CIDRs (Config.TrustedProxies), refusing any that is neither.
func CheckTrustedProxies(list string) ([]string, error) {
	var out []string
	for _, p := range strings.Split(list, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if _, _, err := net.ParseCIDR(p); err != nil && net.ParseIP(p) == nil {
			return nil, fmt.Errorf("受信任代理「%s」不是 IP 地址或 CIDR 网段（如 10.0.0.0/8）", p)
		}
		out = append(out, p)
	}
	return out, nil
}
