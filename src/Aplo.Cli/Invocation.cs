using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Aplo.Cli;

/// <summary>What a command handler gets: its parsed line, the server, the output streams and the environment.</summary>
internal sealed class Invocation(ParsedLine line, Func<Api> api, TextWriter stdout, TextWriter stderr, CliEnvironment environment, CancellationToken ct)
{
    private Api? server;

    public ParsedLine Line { get; } = line;

    /// <summary>The server; connected on first use so that help and completion need none.</summary>
    public Api Api => server ??= api();

    public TextWriter Out { get; } = stdout;

    public TextWriter Err { get; } = stderr;

    public CliEnvironment Environment { get; } = environment;

    public CancellationToken Ct { get; } = ct;

    /// <summary>The global --json: print the server's JSON as it sent it.</summary>
    public bool Json => Line.Command.Flags.All(f => f.Name != "json") && Line.Bool("json");

    /// <summary>A path the user gave, relative to the working directory aplo was started in.</summary>
    public string PathOf(string path) => Path.GetFullPath(path, Environment.WorkingDirectory);

    public static T Parse<T>(string json, JsonTypeInfo<T> info) =>
        JsonSerializer.Deserialize(json, info) ?? throw new JsonException("the server answered an empty body");

    /// <summary>Prints the server's JSON with --json, else the human form.</summary>
    public async Task<int> ShowAsync(string json, Func<string> human)
    {
        await Out.WriteAsync(Json ? json.TrimEnd('\n') + "\n" : human());
        return ExitCodes.Ok;
    }

    /// <summary>
    /// Prints JSON the server sent as UTF-8, ending in one newline like <see cref="ShowAsync"/>. On a stream (the
    /// process's stdout) the bytes go straight through, without a string of them in between.
    /// </summary>
    public async Task<int> ShowUtf8Async(byte[] json)
    {
        var end = json.Length;
        while (end > 0 && json[end - 1] == (byte)'\n')
        {
            end--;
        }

        if (Out is StreamWriter { Encoding: UTF8Encoding } writer)
        {
            await writer.FlushAsync(Ct);
            await writer.BaseStream.WriteAsync(json.AsMemory(0, end), Ct);
            await writer.BaseStream.WriteAsync("\n"u8.ToArray(), Ct);
            await writer.BaseStream.FlushAsync(Ct);
        }
        else
        {
            await Out.WriteAsync(Encoding.UTF8.GetString(json, 0, end) + "\n");
        }

        return ExitCodes.Ok;
    }

    public async Task<int> SayAsync(string text)
    {
        if (!Json)
        {
            await Out.WriteLineAsync(text);
        }

        return ExitCodes.Ok;
    }
}

/// <summary>What aplo reads from its surroundings; tests pass their own.</summary>
public sealed record CliEnvironment
{
    public IReadOnlyDictionary<string, string> Variables { get; init; } = new Dictionary<string, string>();

    public string WorkingDirectory { get; init; } = Directory.GetCurrentDirectory();

    /// <summary>Whether stderr is a terminal: progress is shown only there.</summary>
    public bool StderrIsTerminal { get; init; }

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Poll interval while an operation runs when the server does not hold polls (plain Heketi).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(400);

    public static CliEnvironment FromProcess() => new()
    {
        Variables = System.Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? string.Empty, StringComparer.Ordinal),
        StderrIsTerminal = !Console.IsErrorRedirected,
    };
}
