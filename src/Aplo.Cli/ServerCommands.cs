using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Aplo.Contracts;

namespace Aplo.Cli;

/// <summary>db, loglevel and server: the administrator's commands.</summary>
internal static class ServerCommands
{
    public static readonly Command Db = new("db", "The server's database")
    {
        Children =
        [
            new("dump", "Print the database as Heketi's JSON dump") { Run = i => PrintAsync(i, "/db/dump") },
            new("check", "Check the database's consistency") { Run = i => PrintAsync(i, "/db/check") },
        ],
    };

    public static readonly Command LogLevel = new("loglevel", "The server's log level")
    {
        Children =
        [
            new("get", "Print the server's log level") { Run = LogLevelGetAsync },
            new("set", "Set the server's log level", "none|critical|error|warning|info|debug") { Run = LogLevelSetAsync },
        ],
    };

    public static readonly Command Server = new("server", "The server's operations, mode and state")
    {
        Children =
        [
            new("operations", "Pending operations")
            {
                Children =
                [
                    new("info", "Count operations by status") { Run = OperationsInfoAsync },
                    new("list", "List pending operations") { Run = OperationsListAsync },
                    new("cleanup", "Clean up stale or failed operations (all failed ones if none is named)", "[operation-id...]") { Run = CleanupAsync },
                ],
            },
            new("mode", "The server's admin mode")
            {
                Children =
                [
                    new("get", "Print the mode") { Run = ModeGetAsync },
                    new("set", "Set the mode", "normal|local-client|read-only") { Run = ModeSetAsync },
                ],
            },
            new("state", "Compare the server's state with Gluster's")
            {
                Children =
                [
                    new("examine", "Examine")
                    {
                        Children = [new("gluster", "Compare with what the nodes report") { Run = i => PrintAsync(i, "/internal/state/examine/gluster") }],
                    },
                ],
            },
        ],
    };

    private static readonly string[] Levels = ["none", "critical", "error", "warning", "info", "debug"];

    /// <summary>Prints the server's JSON as it came (these have no table form).</summary>
    private static async Task<int> PrintAsync(Invocation i, string path)
    {
        var json = await i.Api.GetAsync(path, i.Ct);
        await i.Out.WriteAsync(json.TrimEnd('\n') + "\n");
        return ExitCodes.Ok;
    }

    private static async Task<int> LogLevelGetAsync(Invocation i)
    {
        var json = await i.Api.GetAsync("/internal/logging", i.Ct);
        var info = Invocation.Parse(json, HeketiJsonContext.Default.LogLevelInfo);
        return await i.ShowAsync(json, () => (info.LogLevel?.GetValueOrDefault("glusterfs") ?? "unknown") + "\n");
    }

    private static async Task<int> LogLevelSetAsync(Invocation i)
    {
        var level = i.Line.Argument("level");
        if (!Levels.Contains(level))
        {
            throw new UsageException($"'{level}' is not a log level: {string.Join(", ", Levels)}");
        }

        var body = JsonSerializer.Serialize(new LogLevelInfo { LogLevel = new Dictionary<string, string> { ["glusterfs"] = level } }, HeketiJsonContext.Default.LogLevelInfo);
        var json = await i.Api.SendAsync(HttpMethod.Post, "/internal/logging", body, i.Ct);
        return await i.ShowAsync(json, () => $"Server log level is now {level}\n");
    }

    private static async Task<int> OperationsInfoAsync(Invocation i)
    {
        var json = await i.Api.GetAsync("/operations", i.Ct);
        var info = Invocation.Parse(json, HeketiJsonContext.Default.OperationsInfo);
        return await i.ShowAsync(json, () => Views.Fields(
            ("Total", N(info.Total)), ("In flight", N(info.InFlight)), ("New", N(info.New)), ("Stale", N(info.Stale)), ("Failed", N(info.Failed))));
    }

    private static async Task<int> OperationsListAsync(Invocation i)
    {
        var json = await i.Api.GetAsync("/operations/pending", i.Ct);
        var list = Invocation.Parse(json, HeketiJsonContext.Default.PendingOperationListResponse).PendingOperations;
        return list.Count == 0 && !i.Json
            ? await i.SayAsync("No pending operations.")
            : await i.ShowAsync(json, () => Output.Table(
                ["ID", "TYPE", "STATUS", "SUB-STATUS"],
                list.Select(o => (IReadOnlyList<string>)[o.Id, o.TypeName, o.Status.Length == 0 ? "new" : o.Status, o.SubStatus.Length == 0 ? "-" : o.SubStatus])));
    }

    private static async Task<int> CleanupAsync(Invocation i)
    {
        var body = JsonSerializer.Serialize(new PendingOperationsCleanRequest { Operations = [.. i.Line.Arguments.Select(a => ParsedLine.CheckId(a, "operation id"))] }, HeketiJsonContext.Default.PendingOperationsCleanRequest);
        await i.Api.RunAsync(HttpMethod.Post, "/operations/pending/cleanup", body, "Cleaning up operations", i.Ct);
        return await i.SayAsync("Cleanup done");
    }

    private static async Task<int> ModeGetAsync(Invocation i)
    {
        var json = await i.Api.GetAsync("/admin", i.Ct);
        return await i.ShowAsync(json, () => (JsonNode.Parse(json)?["state"]?.GetValue<string>() ?? "unknown") + "\n");
    }

    private static async Task<int> ModeSetAsync(Invocation i)
    {
        var mode = i.Line.Argument("mode");
        if (mode is not ("normal" or "local-client" or "read-only"))
        {
            throw new UsageException($"'{mode}' is not a mode: normal, local-client or read-only");
        }

        await i.Api.SendAsync(HttpMethod.Post, "/admin", new JsonObject { ["state"] = mode }.ToJsonString(), i.Ct);
        return await i.SayAsync($"Server mode is now {mode}");
    }

    private static string N(ulong n) => n.ToString(CultureInfo.InvariantCulture);
}
