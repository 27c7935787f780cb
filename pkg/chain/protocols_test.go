package chain

import "testing"

func TestURLAndItsProtocol(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ protocol, url string }{
		{HTTP, "http://payment-api.internal"},
		{HTTPS, "https://payment-api.internal"},
	} {
		if got := URL(tc.protocol, "payment-api.internal"); got != tc.url {
			t.Errorf("URL(%s) = %q, want %q", tc.protocol, got, tc.url)
		}
		if got := URLProtocol(tc.url); got != tc.protocol {
			t.Errorf("URLProtocol(%q) = %q, want %s", tc.url, got, tc.protocol)
		}
	}
	for _, url := range []string{"", "ftp://payment-api.internal", "payment-api.internal", "httpx://a"} {
		if got := URLProtocol(url); got != "" {
			t.Errorf("URLProtocol(%q) = %q, want none", url, got)
		}
	}
}
