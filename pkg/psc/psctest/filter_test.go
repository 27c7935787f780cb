package psctest

import "testing"

func TestFilterSubset(t *testing.T) {
	fields := map[string]string{"name": "nat", "purpose": "PRIVATE_SERVICE_CONNECT", "role": ""}
	field := func(k string) (string, bool) { v, ok := fields[k]; return v, ok }
	for filter, want := range map[string]bool{
		`(name = "nat") (purpose = "PRIVATE_SERVICE_CONNECT")`:                  true,
		`(name = "nat") (purpose = "REGIONAL_MANAGED_PROXY") (role = "ACTIVE")`: false,
		`(name = "nat") (purpose != "PRIVATE") (purpose != "PRIVATE_RFC_1918")`: true,
		`(purpose != "PRIVATE_SERVICE_CONNECT")`:                                false,
		``:                                                                      true,
	} {
		terms, err := parseFilter(filter)
		if err != nil {
			t.Fatal(err)
		}
		if got := terms.match(field); got != want {
			t.Errorf("%s matches %v, want %v", filter, got, want)
		}
	}
	if _, err := parseFilter(`name eq "nat.*"`); err == nil {
		t.Error("a filter outside the subset must be refused")
	}
}
