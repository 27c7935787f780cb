// Package schemagen derives the simulator's Pulumi package schema from the pulumi-gcp Go
// SDK sources, so that the property names, types and required inputs of every emulated
// resource are exactly those of the pulumi-gcp version the simulator stands in for.
//
// It reads the SDK with go/parser (compiling pulumi-gcp would take minutes): the
// resource struct gives the outputs, the unexported xxxArgs struct the inputs, the
// constructor's "required argument" checks the required inputs, and the pulumiTypes*.go
// files the nested object types.
package schemagen

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
)

// Spec is the subset of the Pulumi package schema the simulator publishes.
type Spec struct {
	Name        string                  `json:"name"`
	DisplayName string                  `json:"displayName"`
	Version     string                  `json:"version"`
	Description string                  `json:"description"`
	Meta        map[string]string       `json:"meta"`
	Config      ConfigSpec              `json:"config"`
	Provider    ObjectSpec              `json:"provider"`
	Resources   map[string]ResourceSpec `json:"resources"`
	Types       map[string]ObjectSpec   `json:"types"`
	Language    map[string]any          `json:"language"`
}

// ConfigSpec lists the provider's configuration variables.
type ConfigSpec struct {
	Variables map[string]PropertySpec `json:"variables"`
}

// ObjectSpec is an object type (or the provider's own inputs and outputs).
type ObjectSpec struct {
	Description     string                  `json:"description,omitempty"`
	Type            string                  `json:"type,omitempty"`
	Properties      map[string]PropertySpec `json:"properties,omitempty"`
	Required        []string                `json:"required,omitempty"`
	InputProperties map[string]PropertySpec `json:"inputProperties,omitempty"`
}

// ResourceSpec is one resource type.
type ResourceSpec struct {
	Description     string                  `json:"description,omitempty"`
	Properties      map[string]PropertySpec `json:"properties"`
	Required        []string                `json:"required,omitempty"`
	InputProperties map[string]PropertySpec `json:"inputProperties"`
	RequiredInputs  []string                `json:"requiredInputs,omitempty"`
}

// PropertySpec is a property's type.
type PropertySpec struct {
	Description          string        `json:"description,omitempty"`
	Type                 string        `json:"type,omitempty"`
	Ref                  string        `json:"$ref,omitempty"`
	Items                *PropertySpec `json:"items,omitempty"`
	AdditionalProperties *PropertySpec `json:"additionalProperties,omitempty"`
	Secret               bool          `json:"secret,omitempty"`
}

// Options say which resources to describe and where the SDK is.
type Options struct {
	SDKDir    string                  // .../pulumi-gcp/sdk/v8@VERSION/go/gcp
	Version   string                  // the pulumi-gcp version
	Tokens    []string                // resource type tokens, e.g. gcp:compute/network:Network
	Secrets   map[string][]string     // per token, the secret properties by path ("a", "a.b", "a[].b")
	Providers map[string]PropertySpec // provider configuration properties
}

// Generate returns the schema as indented JSON.
func Generate(opts Options) ([]byte, error) {
	g := &gen{opts: opts, pkgs: map[string]*pkgIndex{}, spec: Spec{
		Name:        "gcp",
		DisplayName: "Google Cloud (gcpsim)",
		Version:     opts.Version,
		Description: "The gcpsim stand-in for the pulumi-gcp provider: the resource types the cloudrun-psc components use, emulated offline.",
		Meta:        map[string]string{"moduleFormat": "(.*)(?:/[^/]*)"},
		Config:      ConfigSpec{Variables: opts.Providers},
		Provider:    ObjectSpec{Properties: opts.Providers, InputProperties: opts.Providers},
		Resources:   map[string]ResourceSpec{},
		Types:       map[string]ObjectSpec{},
		Language: map[string]any{
			"go":     map[string]any{"importBasePath": "github.com/pulumi/pulumi-gcp/sdk/v8/go/gcp"},
			"nodejs": map[string]any{"packageName": "@pulumi/gcp"},
			"python": map[string]any{"packageName": "pulumi_gcp"},
		},
	}}
	for _, tok := range opts.Tokens {
		if err := g.resource(tok); err != nil {
			return nil, fmt.Errorf("%s: %w", tok, err)
		}
	}
	for len(g.queue) > 0 {
		next := g.queue[0]
		g.queue = g.queue[1:]
		if err := g.objectType(next); err != nil {
			return nil, err
		}
	}
	for _, tok := range slices.Sorted(maps.Keys(opts.Secrets)) {
		for _, path := range opts.Secrets[tok] {
			if err := g.markNestedSecret(tok, path); err != nil {
				return nil, fmt.Errorf("%s: secret %s: %w", tok, path, err)
			}
		}
	}
	data, err := json.MarshalIndent(g.spec, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(data, '\n'), nil
}

type pkgIndex struct {
	structs map[string]*ast.StructType
}

type typeRef struct{ module, name string }

type gen struct {
	opts  Options
	pkgs  map[string]*pkgIndex
	spec  Spec
	queue []typeRef
	seen  map[typeRef]bool
}

var tokenRE = regexp.MustCompile(`^gcp:([a-z0-9]+)/([A-Za-z0-9]+):([A-Za-z0-9]+)$`)

func (g *gen) resource(tok string) error {
	m := tokenRE.FindStringSubmatch(tok)
	if m == nil {
		return fmt.Errorf("unexpected token shape")
	}
	module, file, goName := m[1], m[2], m[3]
	path, err := sdkFile(filepath.Join(g.opts.SDKDir, module), file+".go")
	if err != nil {
		return err
	}
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return err
	}
	structs := structsOf(f)
	res, args := structs[goName], structs[lowerFirst(goName)+"Args"]
	if args == nil { // the file's own spelling: urlmapArgs in urlmap.go
		args = structs[strings.TrimSuffix(filepath.Base(path), ".go")+"Args"]
	}
	if res == nil || args == nil {
		return fmt.Errorf("structs %s and %sArgs not found in %s", goName, lowerFirst(goName), path)
	}
	secrets := g.opts.Secrets[tok]
	spec := ResourceSpec{Properties: map[string]PropertySpec{}, InputProperties: map[string]PropertySpec{}}
	for _, fld := range res.Fields.List {
		name, ok := pulumiTag(fld)
		if !ok {
			continue
		}
		prop, required := g.outputType(module, typeString(fld.Type))
		prop.Description = doc(fld)
		prop.Secret = slices.Contains(secrets, name)
		spec.Properties[name] = prop
		if required {
			spec.Required = append(spec.Required, name)
		}
	}
	requiredArgs := requiredArguments(f, goName)
	for _, fld := range args.Fields.List {
		name, ok := pulumiTag(fld)
		if !ok {
			continue
		}
		prop := g.plainType(module, fld.Type)
		prop.Description = doc(fld)
		prop.Secret = slices.Contains(secrets, name)
		spec.InputProperties[name] = prop
		if len(fld.Names) > 0 && requiredArgs[fld.Names[0].Name] {
			spec.RequiredInputs = append(spec.RequiredInputs, name)
		}
	}
	sort.Strings(spec.Required)
	sort.Strings(spec.RequiredInputs)
	g.spec.Resources[tok] = spec
	return nil
}

// requiredArguments reads the "args.X == nil" checks of the NewX constructor.
func requiredArguments(f *ast.File, goName string) map[string]bool {
	req := map[string]bool{}
	for _, d := range f.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || fn.Name.Name != "New"+goName || fn.Body == nil {
			continue
		}
		ast.Inspect(fn.Body, func(n ast.Node) bool {
			be, ok := n.(*ast.BinaryExpr)
			if !ok || be.Op != token.EQL {
				return true
			}
			sel, ok := be.X.(*ast.SelectorExpr)
			if id, isNil := be.Y.(*ast.Ident); ok && isNil && id.Name == "nil" {
				if x, ok := sel.X.(*ast.Ident); ok && x.Name == "args" {
					req[sel.Sel.Name] = true
				}
			}
			return true
		})
	}
	return req
}

var primitiveOutputs = map[string]string{
	"String": "string", "Bool": "boolean", "Int": "integer", "Float64": "number",
}

// outputType maps an output type name (pulumi.StringPtrOutput, FooArrayOutput...) to a
// schema type, reporting whether the output is always set.
func (g *gen) outputType(module, t string) (PropertySpec, bool) {
	t = strings.TrimPrefix(t, "pulumi.")
	if t == "AnyOutput" {
		return PropertySpec{Ref: "pulumi.json#/Any"}, false
	}
	base := strings.TrimSuffix(t, "Output")
	required := true
	var wrap func(PropertySpec) PropertySpec = func(p PropertySpec) PropertySpec { return p }
	switch {
	case strings.HasSuffix(base, "Ptr"):
		base, required = strings.TrimSuffix(base, "Ptr"), false
	case strings.HasSuffix(base, "ArrayArray"):
		base = strings.TrimSuffix(base, "ArrayArray")
		wrap = func(p PropertySpec) PropertySpec {
			return PropertySpec{Type: "array", Items: &PropertySpec{Type: "array", Items: &p}}
		}
	case strings.HasSuffix(base, "Array"):
		base = strings.TrimSuffix(base, "Array")
		wrap = func(p PropertySpec) PropertySpec { return PropertySpec{Type: "array", Items: &p} }
	case strings.HasSuffix(base, "Map"):
		base = strings.TrimSuffix(base, "Map")
		wrap = func(p PropertySpec) PropertySpec { return PropertySpec{Type: "object", AdditionalProperties: &p} }
	}
	if prim, ok := primitiveOutputs[base]; ok {
		return wrap(PropertySpec{Type: prim}), required
	}
	return wrap(g.ref(module, base)), required
}

// plainType maps a plain Go type of an Args struct or nested type to a schema type.
func (g *gen) plainType(module string, e ast.Expr) PropertySpec {
	switch t := e.(type) {
	case *ast.StarExpr:
		return g.plainType(module, t.X)
	case *ast.ArrayType:
		items := g.plainType(module, t.Elt)
		return PropertySpec{Type: "array", Items: &items}
	case *ast.MapType:
		vals := g.plainType(module, t.Value)
		return PropertySpec{Type: "object", AdditionalProperties: &vals}
	case *ast.InterfaceType:
		return PropertySpec{Ref: "pulumi.json#/Any"}
	case *ast.Ident:
		switch t.Name {
		case "string":
			return PropertySpec{Type: "string"}
		case "bool":
			return PropertySpec{Type: "boolean"}
		case "int":
			return PropertySpec{Type: "integer"}
		case "float64":
			return PropertySpec{Type: "number"}
		}
		return g.ref(module, t.Name)
	}
	return PropertySpec{Ref: "pulumi.json#/Any"}
}

func (g *gen) ref(module, name string) PropertySpec {
	r := typeRef{module, name}
	if g.seen == nil {
		g.seen = map[typeRef]bool{}
	}
	if !g.seen[r] {
		g.seen[r] = true
		g.queue = append(g.queue, r)
	}
	return PropertySpec{Ref: "#/types/" + typeToken(r)}
}

func typeToken(r typeRef) string { return fmt.Sprintf("gcp:%s/%s:%s", r.module, r.name, r.name) }

func (g *gen) objectType(r typeRef) error {
	idx, err := g.index(r.module)
	if err != nil {
		return err
	}
	st := idx.structs[r.name]
	if st == nil {
		return fmt.Errorf("type %s not found in module %s", r.name, r.module)
	}
	obj := ObjectSpec{Type: "object", Properties: map[string]PropertySpec{}}
	for _, fld := range st.Fields.List {
		name, ok := pulumiTag(fld)
		if !ok {
			continue
		}
		obj.Properties[name] = g.plainType(r.module, fld.Type)
		if _, isIdent := fld.Type.(*ast.Ident); isIdent {
			obj.Required = append(obj.Required, name)
		}
	}
	sort.Strings(obj.Required)
	g.spec.Types[typeToken(r)] = obj
	return nil
}

// index parses a module's pulumiTypes*.go files once.
func (g *gen) index(module string) (*pkgIndex, error) {
	if idx, ok := g.pkgs[module]; ok {
		return idx, nil
	}
	files, err := filepath.Glob(filepath.Join(g.opts.SDKDir, module, "pulumiTypes*.go"))
	if err != nil || len(files) == 0 {
		return nil, fmt.Errorf("no pulumiTypes*.go in module %s: %v", module, err)
	}
	idx := &pkgIndex{structs: map[string]*ast.StructType{}}
	for _, path := range files {
		src, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, src, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		for name, st := range structsOf(f) {
			idx.structs[name] = st
		}
	}
	g.pkgs[module] = idx
	return idx, nil
}

// structsOf returns the struct types a file declares, by name.
func structsOf(f *ast.File) map[string]*ast.StructType {
	out := map[string]*ast.StructType{}
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.TYPE {
			continue
		}
		for _, s := range gd.Specs {
			ts := s.(*ast.TypeSpec)
			if st, ok := ts.Type.(*ast.StructType); ok {
				out[ts.Name.Name] = st
			}
		}
	}
	return out
}

func pulumiTag(f *ast.Field) (string, bool) {
	if f.Tag == nil || len(f.Names) == 0 {
		return "", false
	}
	tag := reflect.StructTag(strings.Trim(f.Tag.Value, "`")).Get("pulumi")
	name, _, _ := strings.Cut(tag, ",")
	return name, name != ""
}

func typeString(e ast.Expr) string {
	switch t := e.(type) {
	case *ast.Ident:
		return t.Name
	case *ast.SelectorExpr:
		return typeString(t.X) + "." + t.Sel.Name
	case *ast.StarExpr:
		return "*" + typeString(t.X)
	}
	return ""
}

// doc returns the first paragraph of a field's doc comment.
func doc(f *ast.Field) string {
	if f.Doc == nil {
		return ""
	}
	text := strings.TrimSpace(f.Doc.Text())
	para, _, _ := strings.Cut(text, "\n\n")
	return strings.Join(strings.Fields(para), " ")
}

func lowerFirst(s string) string { return strings.ToLower(s[:1]) + s[1:] }

// markNestedSecret marks a nested property ("a.b", "a[].b") of a resource's object types secret;
// top-level ones are marked as the resource is described.
func (g *gen) markNestedSecret(tok, path string) error {
	segs := strings.Split(path, ".")
	if len(segs) == 1 {
		return nil
	}
	res := g.spec.Resources[tok]
	for _, props := range []map[string]PropertySpec{res.Properties, res.InputProperties} {
		for i, props := 0, props; i < len(segs); i++ {
			name := strings.TrimSuffix(segs[i], "[]")
			prop, ok := props[name]
			if !ok {
				return fmt.Errorf("no property %s", name)
			}
			if i == len(segs)-1 {
				prop.Secret = true
				props[name] = prop
				break
			}
			ref := prop.Ref
			if prop.Items != nil {
				ref = prop.Items.Ref
			}
			t, ok := g.spec.Types[strings.TrimPrefix(ref, "#/types/")]
			if !ok {
				return fmt.Errorf("%s is not an object type", name)
			}
			props = t.Properties
		}
	}
	return nil
}

// sdkFile is the SDK file of a token's file part: the same name, or, as pulumi-gcp names some of
// them (gcp:compute/uRLMap:URLMap is in urlmap.go), the one name that differs only in case.
func sdkFile(dir, name string) (string, error) {
	path := filepath.Join(dir, name)
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "", err
	}
	for _, e := range entries {
		if strings.EqualFold(e.Name(), name) {
			return filepath.Join(dir, e.Name()), nil
		}
	}
	return "", fmt.Errorf("no SDK file %s in %s", name, dir)
}
