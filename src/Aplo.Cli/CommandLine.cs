using System.Globalization;

namespace Aplo.Cli;

/// <summary>A flag a command accepts. Booleans take no value (<c>--block</c>, or <c>--block=false</c>), as in heketi-cli.</summary>
internal sealed record Flag(string Name, char? Short, bool IsBool, string Help, string? Default = null);

/// <summary>A node of the command tree: a group (children) or a command (a handler).</summary>
internal sealed record Command(string Name, string Help, string Arguments = "")
{
    public IReadOnlyList<Flag> Flags { get; init; } = [];

    public IReadOnlyList<Command> Children { get; init; } = [];

    public Func<Invocation, Task<int>>? Run { get; init; }
}

/// <summary>A parsed command line: the command chosen, its positional arguments and the flags given.</summary>
internal sealed class ParsedLine(IReadOnlyList<Command> path, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, List<string>> values)
{
    public IReadOnlyList<Command> Path { get; } = path;

    public Command Command => Path[^1];

    public IReadOnlyList<string> Arguments { get; } = arguments;

    /// <summary>The words that name the command, e.g. <c>volume create</c>.</summary>
    public string Name => string.Join(' ', Path.Skip(1).Select(c => c.Name));

    public bool Has(string flag) => values.ContainsKey(flag);

    public string? Value(string flag) => values.TryGetValue(flag, out var list) ? list[^1] : null;

    public IReadOnlyList<string> Values(string flag) => values.TryGetValue(flag, out var list) ? list : [];

    public bool Bool(string flag) => Value(flag) is { } v && ParseBool(flag, v);

    public bool Bool(string flag, bool fallback) => Value(flag) is { } v ? ParseBool(flag, v) : fallback;

    public long Long(string flag, long fallback) =>
        Value(flag) is not { } v ? fallback
        : long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n
        : throw new UsageException($"--{flag}: '{v}' is not a whole number");

    public double Double(string flag, double fallback) =>
        Value(flag) is not { } v ? fallback
        : double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) ? n
        : throw new UsageException($"--{flag}: '{v}' is not a number");

    public string Require(string flag) =>
        Value(flag) is { Length: > 0 } v ? v : throw new UsageException($"'aplo {Name}' needs --{flag}");

    /// <summary>The one positional argument the command takes (an id, usually).</summary>
    public string Argument(string what)
    {
        if (Arguments.Count == 1)
        {
            return Arguments[0];
        }

        throw new UsageException(Arguments.Count == 0 ? $"'aplo {Name}' needs the {what}" : $"'aplo {Name}' takes one {what}, not {Arguments.Count} arguments");
    }

    /// <summary>The one positional argument, checked to be an id: Heketi's ids are hex, and its routes answer anything else 404.</summary>
    public string Id(string what) => CheckId(Argument(what), what);

    /// <summary>A flag's value, required and checked to be an id.</summary>
    public string RequireId(string flag) => CheckId(Require(flag), "--" + flag);

    internal static string CheckId(string value, string what) =>
        value.Length > 0 && value.All(char.IsAsciiHexDigit) ? value : throw new UsageException($"{what}: '{value}' is not an id (ids are hexadecimal)");

    internal static bool ParseBool(string flag, string value) => value.ToLowerInvariant() switch
    {
        "true" or "t" or "1" => true,
        "false" or "f" or "0" => false,
        _ => throw new UsageException($"--{flag}: '{value}' is not true or false"),
    };
}

/// <summary>
/// Parses heketi-cli's (cobra's) forms: <c>--flag=value</c>, <c>--flag value</c>, <c>-s value</c>, <c>-svalue</c>,
/// booleans as <c>--flag</c> or <c>--flag=true</c>, flags anywhere on the line, and <c>--</c> to end them.
/// A command's own flag shadows a global one of the same name (<c>topology load --json=file</c>).
/// </summary>
internal static class CommandLineParser
{
    public static ParsedLine Parse(Command root, IReadOnlyList<Flag> globals, IReadOnlyList<string> args)
    {
        var path = new List<Command> { root };
        var positional = new List<string>();
        var values = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var flagsEnded = false;
        for (var i = 0; i < args.Count; i++)
        {
            var token = args[i];
            if (flagsEnded || token == "-" || !token.StartsWith('-') || IsNegativeNumber(token))
            {
                var child = positional.Count == 0 ? path[^1].Children.FirstOrDefault(c => c.Name == token) : null;
                if (child is not null && !flagsEnded)
                {
                    path.Add(child);
                }
                else
                {
                    positional.Add(token);
                }

                continue;
            }

            if (token == "--")
            {
                flagsEnded = true;
                continue;
            }

            string name;
            string? value = null;
            Flag? flag;
            if (token.StartsWith("--", StringComparison.Ordinal))
            {
                var eq = token.IndexOf('=', StringComparison.Ordinal);
                name = eq < 0 ? token[2..] : token[2..eq];
                value = eq < 0 ? null : token[(eq + 1)..];
                flag = Find(path, globals, f => f.Name == name) ?? throw Unknown(path, "--" + name);
            }
            else
            {
                var letter = token[1];
                flag = Find(path, globals, f => f.Short == letter) ?? throw Unknown(path, "-" + letter);
                name = flag.Name;
                var rest = token[2..];
                if (rest.StartsWith('='))
                {
                    value = rest[1..];
                }
                else if (rest.Length > 0 && flag.IsBool)
                {
                    // Bundled booleans, as in -Ij: this one is set, the rest are read as their own flags.
                    Add(values, flag.Name, "true");
                    args = [.. args.Take(i + 1), "-" + rest, .. args.Skip(i + 1)];
                    continue;
                }
                else if (rest.Length > 0)
                {
                    value = rest;
                }
            }

            if (flag.IsBool)
            {
                value ??= "true";
                ParsedLine.ParseBool(flag.Name, value);
            }
            else if (value is null)
            {
                if (i + 1 >= args.Count)
                {
                    throw new UsageException($"flag --{flag.Name} needs a value");
                }

                value = args[++i];
            }

            Add(values, flag.Name, value);
        }

        return new ParsedLine(path, positional, values);
    }

    private static Flag? Find(List<Command> path, IReadOnlyList<Flag> globals, Func<Flag, bool> match) =>
        path[^1].Flags.FirstOrDefault(match) ?? globals.FirstOrDefault(match);

    private static UsageException Unknown(List<Command> path, string flag)
    {
        var where = path.Count > 1 ? $" for 'aplo {string.Join(' ', path.Skip(1).Select(c => c.Name))}'" : string.Empty;
        return new UsageException($"unknown flag {flag}{where}");
    }

    private static bool IsNegativeNumber(string token) => token.Length > 1 && char.IsAsciiDigit(token[1]);

    private static void Add(Dictionary<string, List<string>> values, string name, string value)
    {
        if (!values.TryGetValue(name, out var list))
        {
            values[name] = list = [];
        }

        list.Add(value);
    }
}
