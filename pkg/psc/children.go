package psc

import "github.com/pulumi/pulumi/sdk/v3/go/pulumi"

// children is what a component's builder shares with every other: how it names, parents,
// describes and places the children it creates.
type children struct {
	ctx       *pulumi.Context
	component string // the component's type name, for descriptions: ProducerService
	name      string
	parent    pulumi.Resource
	projectID string // "" lets the provider use its default
}

// describe is the description of the component's child that does role (descriptions.go).
func (c *children) describe(role string) pulumi.StringPtrInput {
	return description(c.component, c.name, role)
}

// opts are the options every child gets: the component as its parent, its description kept as
// it was created (describedOnce), plus extra.
func (c *children) opts(extra ...pulumi.ResourceOption) []pulumi.ResourceOption {
	return append([]pulumi.ResourceOption{pulumi.Parent(c.parent), describedOnce()}, extra...)
}

// child names a child resource `<component>-<role>`.
func (c *children) child(role string) string { return c.name + "-" + role }

// project is the project input of every child (nil lets the provider use its default).
func (c *children) project() pulumi.StringPtrInput {
	if c.projectID == "" {
		return nil
	}
	return pulumi.StringPtr(c.projectID)
}
