using System.Text.Json;
using Aplo.Contracts;
using Aplo.Core.Database;
using Aplo.Core.Errors;
using Aplo.Core.Topology;
using Aplo.Storage.Sqlite;

namespace Aplo.Server.Database;

/// <summary>
/// <c>aplo-server db export|import|consistency-check</c>, with Heketi's flags: the offline way to take a dump, to
/// build a database from one (the migration path from Heketi), and to check a database file.
/// </summary>
public static class DbCommands
{
    public const string Usage =
        "Usage: aplo-server db export --dbfile=<aplo.db> --jsonfile=<file|->\n"
        + "       aplo-server db import --jsonfile=<file|-> --dbfile=<new aplo.db>\n"
        + "       aplo-server db consistency-check --dbfile=<aplo.db>";

    private static readonly JsonSerializerOptions Indented = new(HeketiDumpJsonContext.Default.Options) { WriteIndented = true };

    /// <summary>Runs one sub-command; returns the process exit code (0 ok, 1 failed, 2 bad usage).</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextReader stdin, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stderr);
        if (args.Count == 0)
        {
            await stderr.WriteLineAsync("Error: db needs a sub-command\n" + Usage);
            return 2;
        }

        if (!TryParseFlags([.. args.Skip(1)], out var flags, out var problem))
        {
            await stderr.WriteLineAsync($"Error: {problem}\n{Usage}");
            return 2;
        }

        var needed = args[0] switch
        {
            "export" or "import" => new[] { "dbfile", "jsonfile" },
            "consistency-check" => ["dbfile"],
            _ => null,
        };
        var missing = needed?.FirstOrDefault(f => string.IsNullOrEmpty(flags.GetValueOrDefault(f)));
        var extra = flags.Keys.FirstOrDefault(f => needed is not null && !needed.Contains(f));
        if (needed is null || missing is not null || extra is not null)
        {
            var what = needed is null ? $"unknown sub-command '{args[0]}'" : missing is not null ? $"--{missing} is required" : $"unknown flag --{extra}";
            await stderr.WriteLineAsync($"Error: {what}\n{Usage}");
            return 2;
        }

        try
        {
            switch (args[0])
            {
                case "export":
                    await ExportAsync(flags["dbfile"], flags["jsonfile"], stdout, ct);
                    break;
                case "import":
                    var result = await ImportAsync(flags["jsonfile"], flags["dbfile"], stdin, ct);
                    foreach (var warning in result.Warnings)
                    {
                        await stderr.WriteLineAsync("Warning: " + warning);
                    }

                    var m = result.Model;
                    await stdout.WriteLineAsync(
                        $"Imported {m.Clusters.Count} cluster(s), {m.Nodes.Count} node(s), {m.Devices.Count} device(s), "
                        + $"{m.Volumes.Count} volume(s), {m.Bricks.Count} brick(s), {m.Operations.Count} pending operation(s) into {flags["dbfile"]}");
                    break;
                default:
                    var model = await LoadAsync(flags["dbfile"], ct);
                    await stdout.WriteLineAsync(JsonSerializer.Serialize(DbCheckView.From(ConsistencyCheck.Run(model)), Indented.GetTypeInfo(typeof(DbCheckResponse))));
                    break;
            }

            return 0;
        }
        catch (Exception ex) when (ex is AploException or IOException or UnauthorizedAccessException or InvalidOperationException or Microsoft.Data.Sqlite.SqliteException)
        {
            await stderr.WriteLineAsync("Error: " + ex.Message);
            return 1;
        }
    }

    /// <summary>Writes the database at <paramref name="dbPath"/> as a dump; "-" is standard output.</summary>
    public static async Task ExportAsync(string dbPath, string jsonPath, TextWriter stdout, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        var dump = HeketiDumpExport.Export(await LoadAsync(dbPath, ct));
        if (jsonPath == "-")
        {
            await stdout.WriteLineAsync(JsonSerializer.Serialize(dump, HeketiDumpJsonContext.Default.HeketiDump));
            return;
        }

        // As Heketi: never overwrite a file that is there, it may be the only copy of something.
        await using var file = OpenNew(jsonPath, "JSON file");
        await JsonSerializer.SerializeAsync(file, dump, HeketiDumpJsonContext.Default.HeketiDump, ct);
        await file.WriteAsync("\n"u8.ToArray(), ct);
    }

    /// <summary>
    /// Builds a new database at <paramref name="dbPath"/> from the dump at <paramref name="jsonPath"/> ("-" is
    /// standard input). Refuses an existing file, and writes nothing unless the whole dump is valid: the database is
    /// built under a temporary name and renamed into place only once it is complete.
    /// </summary>
    public static async Task<DumpImportResult> ImportAsync(string jsonPath, string dbPath, TextReader stdin, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(dbPath);
        ArgumentNullException.ThrowIfNull(stdin);
        if (File.Exists(dbPath))
        {
            throw new IOException($"{dbPath} already exists; import writes a new database and never overwrites one");
        }

        HeketiDump dump;
        try
        {
            dump = jsonPath == "-"
                ? JsonSerializer.Deserialize(await stdin.ReadToEndAsync(ct), HeketiDumpJsonContext.Default.HeketiDump)!
                : await ReadDumpAsync(jsonPath, ct);
        }
        catch (JsonException ex)
        {
            var where = ex.Path is null ? string.Empty : $" (at {ex.Path}, line {ex.LineNumber + 1})";
            throw new AploException(ErrorKind.Unparsable, $"Invalid dump: {jsonPath} is not a Heketi dump: {ex.Message}{where}", ex);
        }

        if (dump is null)
        {
            throw new AploException(ErrorKind.Unparsable, $"Invalid dump: {jsonPath} holds null");
        }

        var result = HeketiDumpImport.Import(dump);
        var full = Path.GetFullPath(dbPath);
        var temporary = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.import-{Guid.NewGuid():N}");
        try
        {
            await using (var store = await SqliteTopologyStore.OpenAsync(temporary, ct))
            {
                await store.CommitAsync(result.Changes, ct);
            }

            File.Move(temporary, full, overwrite: false);
        }
        finally
        {
            foreach (var leftover in new[] { temporary, temporary + "-wal", temporary + "-shm" })
            {
                File.Delete(leftover);
            }
        }

        return result;
    }

    private static async Task<HeketiDump> ReadDumpAsync(string jsonPath, CancellationToken ct)
    {
        await using var file = File.OpenRead(jsonPath);
        return (await JsonSerializer.DeserializeAsync(file, HeketiDumpJsonContext.Default.HeketiDump, ct))!;
    }

    private static async Task<TopologyModel> LoadAsync(string dbPath, CancellationToken ct)
    {
        // Opening creates a missing file; a typo in the path must not leave an empty database behind.
        if (!File.Exists(dbPath))
        {
            throw new IOException($"{dbPath} does not exist");
        }

        await using var store = await SqliteTopologyStore.OpenAsync(dbPath, ct);
        return await store.LoadAsync(ct);
    }

    private static FileStream OpenNew(string path, string what)
    {
        try
        {
            return new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        }
        catch (IOException ex) when (File.Exists(path))
        {
            throw new IOException($"{path} already exists; refusing to overwrite the {what}", ex);
        }
    }

    /// <summary>Accepts <c>--name=value</c> and <c>--name value</c>, as Heketi's (cobra) command line does.</summary>
    private static bool TryParseFlags(List<string> args, out Dictionary<string, string> flags, out string problem)
    {
        flags = new Dictionary<string, string>(StringComparer.Ordinal);
        problem = string.Empty;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
            {
                problem = $"unexpected argument '{arg}'";
                return false;
            }

            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                flags[arg[2..eq]] = arg[(eq + 1)..];
            }
            else if (i + 1 < args.Count)
            {
                flags[arg[2..]] = args[++i];
            }
            else
            {
                problem = $"{arg} needs a value";
                return false;
            }
        }

        return true;
    }
}
