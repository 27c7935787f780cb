package bench

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/pulumi/pulumi-go-provider/integration/fake"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/psc"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/psc/psctest"
)

// Start is section 4: how fast the provider plugin answers its first Construct, and its size.
type Start struct {
	Binary      string
	BinaryBytes int64
	// ToPort is the time from starting the process to reading its port; ToConstruct to the
	// answer of its first Construct (after a Configure, as the engine sends), in milliseconds.
	ToPort, ToConstruct Stat
}

// start starts bin/pulumi-resource-cloudrun-psc StartReps times the way the engine does, with
// the address of an engine to log to, and constructs a DnsBinding whose children a fake
// resource monitor registers (pulumi-go-provider's integration/fake).
func (b *bench) start() Start {
	bin := filepath.Join(b.root, "bin", "pulumi-resource-cloudrun-psc")
	b.logf("4. provider start: %d starts of %s", b.opts.StartReps, bin)
	info, err := os.Stat(bin)
	if err != nil {
		panic(failure{err.Error()})
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	engine, _, err := fake.StartEngineServer(ctx, fake.NewEngineServer())
	if err != nil {
		panic(failure{err.Error()})
	}
	monitor, _, err := fake.StartMonitorServer(ctx, fake.NewResourceMonitorServer(psctest.New()))
	if err != nil {
		panic(failure{err.Error()})
	}
	var toPort, toConstruct []float64
	for range b.opts.StartReps {
		port, construct, err := startOnce(ctx, bin, engine, monitor)
		if err != nil {
			panic(failure{"provider start: " + err.Error()})
		}
		toPort = append(toPort, float64(port)/float64(time.Millisecond))
		toConstruct = append(toConstruct, float64(construct)/float64(time.Millisecond))
	}
	s := Start{Binary: "bin/pulumi-resource-cloudrun-psc", BinaryBytes: info.Size(), ToPort: stat(toPort), ToConstruct: stat(toConstruct)}
	b.logf("   %.0f ms to the port, %.0f ms to the first Construct (medians), %s", s.ToPort.Median, s.ToConstruct.Median, mb(s.BinaryBytes))
	return s
}

// startOnce starts the provider and returns the time to its port and to its first Construct.
func startOnce(ctx context.Context, bin, engine, monitor string) (toPort, toConstruct time.Duration, err error) {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, engine)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return 0, 0, err
	}
	begin := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, 0, err
	}
	defer func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	}()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		return 0, 0, fmt.Errorf("reading the port: %w", err)
	}
	toPort = time.Since(begin)
	conn, err := grpc.NewClient("127.0.0.1:"+strings.TrimSpace(line), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return 0, 0, err
	}
	defer conn.Close()
	client := pulumirpc.NewResourceProviderClient(conn)
	if _, err := client.Configure(ctx, &pulumirpc.ConfigureRequest{AcceptSecrets: true, AcceptResources: true}); err != nil {
		return 0, 0, fmt.Errorf("configure: %w", err)
	}
	inputs, err := structpb.NewStruct(map[string]any{
		"hostname":  "payment-api.internal",
		"ipAddress": "192.168.10.7",
		"networks":  []any{"projects/consumer-prj/global/networks/consumer-vpc"},
		"protocol":  "HTTP",
	})
	if err != nil {
		return 0, 0, err
	}
	resp, err := client.Construct(ctx, &pulumirpc.ConstructRequest{
		Project: "bench", Stack: "dev", Organization: "organization",
		Config:          map[string]string{"gcp:project": "consumer-prj", "gcp:region": "europe-west1"},
		MonitorEndpoint: monitor,
		Type:            psc.DnsBindingType,
		Name:            "payments-dns",
		Parent:          "urn:pulumi:dev::bench::pulumi:pulumi:Stack::bench-dev",
		Inputs:          inputs,
		// The engine always does; pulumi-go-provider insists.
		AcceptsOutputValues: true,
	})
	if err != nil {
		return 0, 0, fmt.Errorf("construct: %w\n%s", err, stderr.String())
	}
	toConstruct = time.Since(begin)
	if url := resp.GetState().GetFields()["url"].GetStringValue(); url != "http://payment-api.internal" {
		return 0, 0, fmt.Errorf("construct answered url %q, want http://payment-api.internal (state %v)", url, resp.GetState())
	}
	return toPort, toConstruct, nil
}
