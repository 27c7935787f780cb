// Package provider serves the cloudrun-psc components (package pkg/psc) to every Pulumi language
// as a multi-language component provider built with pulumi-go-provider's infer package.
//
// It is a thin shell: the components, their inputs, validation and schema descriptions live in
// pkg/psc; this package names the package, maps the Go package psc to the schema module index,
// sets the SDKs' language options and appends the per-language examples of provider/docs to each
// component's description.
package provider

import (
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi-go-provider/infer"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	comProvider "github.com/pulumi/pulumi/sdk/v3/go/pulumi/provider"
	rpc "github.com/pulumi/pulumi/sdk/v3/proto/go"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/psc"
)

// Name is the Pulumi package name: the plugin binary is pulumi-resource-cloudrun-psc and every
// type token starts with cloudrun-psc.
const Name = "cloudrun-psc"

// Version is the provider's version, set at build time with
// -ldflags "-X github.com/cloudrun-psc/pulumi-cloudrun-psc/provider.Version=<version>".
var Version = "0.1.0-dev"

// Language settings of the generated SDKs.
const (
	NodePackage   = "@cloudrun-psc/pulumi"
	PythonPackage = "pulumi_cloudrun_psc"
	// GoImportPath is the Go SDK's package; its module is the parent, rooted at sdk/go.
	GoImportPath = "github.com/cloudrun-psc/pulumi-cloudrun-psc/sdk/go/cloudrunpsc"
)

const repository = "https://github.com/cloudrun-psc/pulumi-cloudrun-psc"

// PluginDownloadURL is where the engine downloads the plugin when a program's SDK asks for it and
// it is not installed: the GitHub releases of the repository, whose assets are the archives
// `make dist` builds (pulumi-resource-cloudrun-psc-v<version>-<os>-<arch>.tar.gz).
const PluginDownloadURL = "github://api.github.com/cloudrun-psc/pulumi-cloudrun-psc"

// Tokens are the type tokens of the components the provider serves, in schema order.
var Tokens = []string{psc.ConsumerEndpointType, psc.DnsBindingType, psc.ProducerServiceType}

//go:embed docs/*.md
var docs embed.FS

// exampleDocs maps each component token to the embedded file with its per-language examples.
var exampleDocs = map[string]string{
	psc.ProducerServiceType:  "docs/producerService.md",
	psc.ConsumerEndpointType: "docs/consumerEndpoint.md",
	psc.DnsBindingType:       "docs/dnsBinding.md",
}

// New returns the provider.
func New() (p.Provider, error) {
	prov, err := infer.NewProviderBuilder().
		WithComponents(
			infer.ComponentF(psc.NewProducerService),
			infer.ComponentF(psc.NewConsumerEndpoint),
			infer.ComponentF(psc.NewDnsBinding),
		).
		WithDisplayName("Cloud Run Private Service Connect").
		WithDescription("Publish a Cloud Run service privately through Private Service Connect and reach it from "+
			"another organisation's VPC.").
		WithKeywords("pulumi", "gcp", "cloud-run", "private-service-connect", "psc", "category/network", "kind/component").
		WithHomepage(repository).
		WithRepository(repository).
		WithPublisher("cloudrun-psc").
		WithPluginDownloadURL(PluginDownloadURL).
		WithLicense("Apache-2.0").
		// The components live in the Go package psc; their tokens are cloudrun-psc:index:*.
		WithModuleMap(map[tokens.ModuleName]tokens.ModuleName{"psc": "index"}).
		WithLanguageMap(map[string]any{
			"nodejs": map[string]any{
				"packageName":          NodePackage,
				"respectSchemaVersion": true,
			},
			"python": map[string]any{
				"packageName":          PythonPackage,
				"respectSchemaVersion": true,
				"pyproject":            map[string]any{"enabled": true},
			},
			"go": map[string]any{
				"importBasePath":                 GoImportPath,
				"generateResourceContainerTypes": true,
				"respectSchemaVersion":           true,
			},
		}).
		Build()
	if err != nil {
		return p.Provider{}, err
	}
	inner := prov.GetSchema
	prov.GetSchema = func(ctx context.Context, req p.GetSchemaRequest) (p.GetSchemaResponse, error) {
		resp, err := inner(ctx, req)
		if err != nil {
			return resp, err
		}
		resp.Schema, err = withExamples(resp.Schema)
		return resp, err
	}
	construct := prov.Construct
	prov.Construct = func(ctx context.Context, req p.ConstructRequest) (p.ConstructResponse, error) {
		token := req.Urn.Type().String()
		if lines := plainProblems(token, req.Inputs); len(lines) > 0 {
			return p.ConstructResponse{}, fmt.Errorf("invalid %s %q:\n%s", tokenName(token), req.Urn.Name(),
				strings.Join(lines, "\n"))
		}
		return construct(ctx, req)
	}
	return prov, nil
}

// tokenName is the component's name in a type token: ProducerService for
// cloudrun-psc:index:ProducerService.
func tokenName(token string) string { return token[strings.LastIndex(token, ":")+1:] }

// Serve runs the provider as the cloudrun-psc plugin until the engine stops it.
func Serve(ctx context.Context) error {
	prov, err := New()
	if err != nil {
		return err
	}
	return comProvider.MainContext(ctx, Name, func(host *comProvider.HostClient) (rpc.ResourceProviderServer, error) {
		inner, err := p.RawServer(Name, Version, prov)(host)
		if err != nil {
			return nil, err
		}
		return aliasServer{inner}, nil
	})
}

// Main is the body of the plugin's main packages: it serves the provider and exits non-zero,
// with the error on stderr, when that fails.
func Main() {
	if err := Serve(context.Background()); err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", Name, err)
		os.Exit(1)
	}
}

// withExamples appends each component's per-language examples to the description that infer
// took from the component's Annotate method, so that the summary sentence stays beside the Go
// code and the examples beside the other docs; marks plain every input whose Go field takes no
// Output (see plain.go); and makes optional the struct inputs tagged so (see optional.go).
func withExamples(raw string) (string, error) {
	var spec map[string]json.RawMessage
	if err := json.Unmarshal([]byte(raw), &spec); err != nil {
		return "", fmt.Errorf("schema: %w", err)
	}
	var resources map[string]map[string]json.RawMessage
	if err := json.Unmarshal(spec["resources"], &resources); err != nil {
		return "", fmt.Errorf("schema resources: %w", err)
	}
	var types map[string]any
	if err := json.Unmarshal(spec["types"], &types); err != nil {
		return "", fmt.Errorf("schema types: %w", err)
	}
	for token, t := range argTypes {
		var inputs map[string]any
		if err := json.Unmarshal(resources[token]["inputProperties"], &inputs); err != nil {
			return "", fmt.Errorf("%s: inputProperties: %w", token, err)
		}
		if err := markPlain(inputs, t, types); err != nil {
			return "", fmt.Errorf("%s: %w", token, err)
		}
		if err := optionalStructs(resources[token], inputs, t); err != nil {
			return "", fmt.Errorf("%s: %w", token, err)
		}
		var err error
		if resources[token]["inputProperties"], err = json.Marshal(inputs); err != nil {
			return "", err
		}
	}
	typesJSON, err := json.Marshal(types)
	if err != nil {
		return "", err
	}
	spec["types"] = typesJSON
	for token, file := range exampleDocs {
		res, ok := resources[token]
		if !ok {
			return "", fmt.Errorf("schema has no resource %s for %s", token, file)
		}
		examples, err := docs.ReadFile(file)
		if err != nil {
			return "", err
		}
		var desc string
		if err := json.Unmarshal(res["description"], &desc); err != nil {
			return "", fmt.Errorf("%s: description: %w", token, err)
		}
		full := strings.TrimSpace(desc) + "\n\n" + strings.TrimSpace(string(examples)) + "\n"
		if res["description"], err = json.Marshal(full); err != nil {
			return "", err
		}
	}
	if spec["resources"], err = json.Marshal(resources); err != nil {
		return "", err
	}
	out, err := json.Marshal(spec)
	return string(out), err
}
