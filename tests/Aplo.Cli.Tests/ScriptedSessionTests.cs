using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Aplo.Contracts;

namespace Aplo.Cli.Tests;

/// <summary>
/// A session written with heketi-cli's commands and flags (Sessions/heketi-session.sh) runs unchanged with aplo:
/// in-process, line by line, with a tiny interpreter for the shell it uses (variables, quotes, $(… | jq -r '.path'));
/// and in real bash with the aplo binary standing in for heketi-cli.
/// </summary>
public sealed partial class ScriptedSessionTests : IAsyncLifetime
{
    private static readonly string Script = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Sessions", "heketi-session.sh"));

    private CliHarness cli = null!;

    public async ValueTask InitializeAsync()
    {
        cli = await CliHarness.StartAsync();
        await File.WriteAllTextAsync(cli.File("topology.json"), CliHarness.ThreeNodeTopology, TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync() => await cli.DisposeAsync();

    [Fact]
    public async Task Session_RunsLineByLine_AndLeavesTheExpectedState()
    {
        var variables = cli.Variables();
        var ran = 0;
        foreach (var raw in Script.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#') || line == "set -e")
            {
                continue;
            }

            var capture = Capture().Match(line);
            if (capture.Success)
            {
                var output = await RunAsync(variables, capture.Groups["command"].Value);
                variables[capture.Groups["name"].Value] = Jq(output, capture.Groups["path"].Value);
            }
            else
            {
                await RunAsync(variables, line);
            }

            ran++;
        }

        Assert.Equal(34, ran);
        await AssertEndStateAsync();
    }

    [Fact]
    public async Task Session_RunsInBash_WithTheAploBinaryAsHeketiCli()
    {
        var aplo = AploBinary.Path;
        var start = new ProcessStartInfo("bash", ["--norc", "--noprofile", "-c", $"heketi-cli() {{ '{aplo}' \"$@\"; }}\nexport -f heketi-cli 2>/dev/null\n" + Script])
        {
            WorkingDirectory = cli.Directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (key, value) in cli.Variables())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}\n{await output}\n{await error}");
        await AssertEndStateAsync();
    }

    private async Task AssertEndStateAsync()
    {
        var admin = cli.Host.Admin();
        var ct = TestContext.Current.CancellationToken;
        var clusters = (await admin.ClusterListAsync(ct)).Clusters;
        var cluster = await admin.ClusterInfoAsync(Assert.Single(clusters), ct);
        Assert.True(cluster.File);
        Assert.False(cluster.Block);
        Assert.Equal(3, cluster.Nodes.Count);

        var volumes = new List<VolumeInfoResponse>();
        foreach (var id in (await admin.VolumeListAsync(ct)).Volumes)
        {
            volumes.Add(await admin.VolumeInfoAsync(id, ct));
        }

        Assert.Equal([1, 2, 10, 10], volumes.Select(v => v.Size).Order());
        var expanded = Assert.Single(volumes, v => v.Gid == 2001);
        Assert.True(expanded.Snapshot.Enable);
        Assert.Equal(6, expanded.Bricks.Count);
        Assert.Contains(volumes, v => v.Name == "data");

        var nodes = new List<NodeInfoResponse>();
        foreach (var id in cluster.Nodes)
        {
            nodes.Add(await admin.NodeInfoAsync(id, ct));
        }

        Assert.All(nodes, n => Assert.Equal("online", n.State));
        Assert.All(nodes.SelectMany(n => n.Devices), d => Assert.Equal("online", d.State));
        var tagged = Assert.Single(nodes, n => n.Tags is not null && n.Tags.ContainsKey("rack"));
        Assert.Equal("r1", tagged.Tags!["rack"]);
        Assert.False(tagged.Tags.ContainsKey("room"));
        Assert.Single(nodes.SelectMany(n => n.Devices), d => d.Tags?.GetValueOrDefault("disk") == "ssd");
        Assert.True(File.Exists(cli.File("pv.json")));
    }

    private async Task<string> RunAsync(Dictionary<string, string> variables, string line)
    {
        var words = Words(line, variables);
        Assert.Equal("heketi-cli", words[0]);
        var result = await cli.RunAsync(variables, [.. words.Skip(1)]);
        Assert.True(result.Code == 0, $"{line}\n{result}");
        return result.Out;
    }

    /// <summary>Splits a shell line into words: single and double quotes, $NAME and ${NAME} expansion.</summary>
    private static List<string> Words(string line, Dictionary<string, string> variables)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        char? quote = null;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quote is null && char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }

                continue;
            }

            inWord = true;
            if (c is '\'' or '"' && (quote is null || quote == c))
            {
                quote = quote is null ? c : null;
            }
            else if (c == '$' && quote != '\'')
            {
                var name = VariableName().Match(line, i + 1);
                word.Append(variables.GetValueOrDefault(name.Groups[1].Success ? name.Groups[1].Value : name.Groups[2].Value, string.Empty));
                i += name.Length;
            }
            else
            {
                word.Append(c);
            }
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        return words;
    }

    /// <summary>jq -r with a plain path such as <c>.devices[0].id</c>.</summary>
    private static string Jq(string json, string path)
    {
        var node = JsonNode.Parse(json);
        foreach (Match step in JqStep().Matches(path))
        {
            node = step.Groups[1].Success ? node![step.Groups[1].Value] : node![int.Parse(step.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture)];
        }

        return node!.GetValue<string>();
    }

    [GeneratedRegex(@"^(?<name>[A-Z_]+)=\$\((?<command>heketi-cli .*) \| jq -r '(?<path>[^']+)'\)$")]
    private static partial Regex Capture();

    [GeneratedRegex(@"\G(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))")]
    private static partial Regex VariableName();

    [GeneratedRegex(@"\.([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]")]
    private static partial Regex JqStep();
}
