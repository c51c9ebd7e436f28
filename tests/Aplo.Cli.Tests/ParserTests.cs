namespace Aplo.Cli.Tests;

/// <summary>heketi-cli's (cobra's) flag forms, as scripts write them.</summary>
public sealed class ParserTests
{
    private static ParsedLine Parse(params string[] args) => CommandLineParser.Parse(CliApp.Root, CliApp.GlobalFlags, args);

    [Fact]
    public void ValueFlags_TakeEqualsOrTheNextWord()
    {
        var line = Parse("volume", "create", "--size=10", "--replica", "2", "--name=a");
        Assert.Equal("volume create", line.Name);
        Assert.Equal("10", line.Value("size"));
        Assert.Equal("2", line.Value("replica"));
        Assert.Equal("a", line.Value("name"));
    }

    [Fact]
    public void GlobalFlags_GoAnywhere_AndShortFormsWork()
    {
        var line = Parse("-s", "http://h:1", "volume", "--json", "list", "--user=admin", "-I");
        Assert.Equal("volume list", line.Name);
        Assert.Equal("http://h:1", line.Value("server"));
        Assert.True(line.Bool("json"));
        Assert.True(line.Bool("insecure-tls"));
        Assert.Equal("admin", line.Value("user"));
        Assert.Equal("http://x", Parse("cluster", "list", "-shttp://x").Value("server"));
        Assert.Equal("http://y", Parse("cluster", "list", "-s=http://y").Value("server"));
    }

    [Fact]
    public void Booleans_TakeNoValueOrAnEqualsValue()
    {
        var line = Parse("cluster", "create", "--block=false", "--file");
        Assert.False(line.Bool("block", true));
        Assert.True(line.Bool("file", false));
        Assert.True(Parse("cluster", "create").Bool("file", true));
        Assert.Throws<UsageException>(() => Parse("cluster", "create", "--block=maybe"));
    }

    [Fact]
    public void CommandFlags_ShadowGlobalOnes()
    {
        // topology load's --json names a file; everywhere else --json is the boolean output switch.
        var line = Parse("topology", "load", "--json", "topo.json");
        Assert.Equal("topo.json", line.Value("json"));
        Assert.Empty(line.Arguments);
        Assert.Equal("t.json", Parse("topology", "load", "-j", "t.json").Value("json"));
    }

    [Fact]
    public void Positionals_AfterTheCommand_AreArguments_AndDoubleDashEndsFlags()
    {
        var line = Parse("node", "settags", "abc", "zone:1", "--", "--odd:x");
        Assert.Equal("node settags", line.Name);
        Assert.Equal(["abc", "zone:1", "--odd:x"], line.Arguments);
        Assert.Equal(["list"], Parse("volume", "info", "list").Arguments);
    }

    [Fact]
    public void Mistakes_AreUsageErrors()
    {
        Assert.Contains("unknown flag --sise for 'aplo volume create'", Assert.Throws<UsageException>(() => Parse("volume", "create", "--sise=1")).Message, StringComparison.Ordinal);
        Assert.Contains("needs a value", Assert.Throws<UsageException>(() => Parse("volume", "create", "--size")).Message, StringComparison.Ordinal);
        Assert.Throws<UsageException>(() => Parse("volume", "create", "--size=ten").Long("size", 0));
    }
}
