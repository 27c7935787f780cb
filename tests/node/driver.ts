// Runs one Automation API operation on an inline TypeScript program for the Go test harness
// (tests/harness). Usage: node -r ts-node/register/transpile-only driver.ts REQUEST.json RESULT.json
//
// REQUEST names the module and the exported function that is the program, the stack, and the
// operation. RESULT receives the raw engine events, the stack outputs after an up, the error
// message if the operation failed, and how long the operation's Automation API call took; the
// harness summarises the events the same way for every language. The world (PULUMI_HOME,
// backend, passphrase, plugins) comes from the environment.
import * as fs from "fs";
import {
    ConfigMap,
    EngineEvent,
    LocalWorkspace,
    OutputMap,
    PulumiCommand,
    PulumiFn,
} from "@pulumi/pulumi/automation";

interface Request {
    operation: "preview" | "up" | "refresh" | "destroy";
    project: string;
    stack: string;
    module: string;
    export: string;
    pulumiRoot: string;
    workDir: string;
    backendUrl: string;
    config: ConfigMap | null;
}

interface Result {
    events: EngineEvent[];
    outputs: OutputMap | null;
    error: string;
    elapsedMs: number;
}

async function run(req: Request, result: Result): Promise<void> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(req.module);
    const program: unknown = mod[req.export];
    if (typeof program !== "function") {
        throw new Error(`${req.module} exports no function ${req.export}`);
    }
    const pulumiCommand = await PulumiCommand.get({ root: req.pulumiRoot });
    const stack = await LocalWorkspace.createOrSelectStack(
        { stackName: req.stack, projectName: req.project, program: program as PulumiFn },
        {
            pulumiCommand,
            workDir: req.workDir,
            projectSettings: { name: req.project, runtime: "nodejs", backend: { url: req.backendUrl } },
            secretsProvider: "passphrase",
        },
    );
    if (req.config && Object.keys(req.config).length > 0) {
        await stack.setAllConfig(req.config);
    }
    const onEvent = (event: EngineEvent) => result.events.push(event);
    const onOutput = (out: string) => process.stdout.write(out);
    const common = { onEvent, onOutput, color: "never" as const };
    const start = process.hrtime.bigint();
    switch (req.operation) {
        case "preview":
            await stack.preview(common);
            break;
        case "up":
            result.outputs = (await stack.up(common)).outputs;
            break;
        case "refresh":
            await stack.refresh(common);
            break;
        case "destroy":
            await stack.destroy(common);
            break;
        default:
            throw new Error(`unknown operation ${req.operation}`);
    }
    result.elapsedMs = Number(process.hrtime.bigint() - start) / 1e6;
}

async function main(): Promise<void> {
    const [requestPath, resultPath] = process.argv.slice(2);
    if (!requestPath || !resultPath) {
        throw new Error("usage: driver.ts REQUEST.json RESULT.json");
    }
    const req: Request = JSON.parse(fs.readFileSync(requestPath, "utf8"));
    const result: Result = { events: [], outputs: null, error: "", elapsedMs: 0 };
    try {
        await run(req, result);
    } catch (e) {
        result.error = e instanceof Error ? e.message : String(e);
    }
    fs.writeFileSync(resultPath, JSON.stringify(result));
}

main().then(
    () => process.exit(0),
    (e) => {
        console.error(e);
        process.exit(1);
    },
);
