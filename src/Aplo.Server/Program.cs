using Aplo.Server;
using Aplo.Server.Configuration;
using Aplo.Server.Database;

// aplo-server db export|import|consistency-check: Heketi's offline database commands.
if (args is ["db", ..])
{
    return await DbCommands.RunAsync(args[1..], Console.In, Console.Out, Console.Error, CancellationToken.None);
}

// aplo-server --config=heketi.json [--disable-auth]: the same flags Heketi's server takes.
string? configPath = null;
var disableAuth = false;
for (var i = 0; i < args.Length; i++)
{
    var arg = args[i];
    if (arg.StartsWith("--config=", StringComparison.Ordinal))
    {
        configPath = arg["--config=".Length..];
    }
    else if (arg == "--config" && i + 1 < args.Length)
    {
        configPath = args[++i];
    }
    else if (arg == "--disable-auth")
    {
        disableAuth = true;
    }
    else if (arg is "-v" or "--version")
    {
        Console.WriteLine("aplo-server " + typeof(AploServer).Assembly.GetName().Version);
        return 0;
    }
    else
    {
        Console.Error.WriteLine($"Error: unknown argument '{arg}'. Usage: aplo-server --config=<heketi.json> [--disable-auth], or aplo-server db ...");
        return 2;
    }
}

try
{
    var environment = Environment.GetEnvironmentVariables()
        .Cast<System.Collections.DictionaryEntry>()
        .ToDictionary(e => (string)e.Key, e => (string?)e.Value);
    var options = HeketiConfig.Load(configPath, environment, disableAuth);
    await using var app = await AploServer.BuildAsync(options, CancellationToken.None);
    await app.RunAsync();
    return 0;
}
catch (ConfigException ex)
{
    Console.Error.WriteLine("Error: " + ex.Message);
    return 1;
}
