package psc

import (
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/psc/psctest"
)

// Short names for the fake cloud's helpers, which every test here uses.
type fakeCloud = psctest.FakeCloud

type registered = psctest.Registered

const (
	testProject = psctest.Project
	testRegion  = psctest.Region
)

var (
	newFakeCloud = psctest.New
	input        = psctest.Input
	str          = psctest.Str
	resourceKey  = psctest.ResourceKey
)
