using System.Globalization;
using Aplo.Bench;

// aplo bench: `dotnet run -c Release --project bench/Aplo.Bench -- <name>`; see docs/benchmarks.md.
var name = args.Length > 0 ? args[0] : "all";
var quick = args.Contains("--quick");
using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(30));
if (name is "api" or "all")
{
    await ApiThroughput.RunAsync(quick, Console.Out, cts.Token);
}

if (name is "alloc" or "all")
{
    AllocatorUtilization.Run(quick, Console.Out);
    Console.Out.WriteLine();
    AllocatorOptimum.Run(quick, Console.Out);
}

if (name is "optimum")
{
    // Small cases over other seeds than the 60 of `alloc`, e.g. `optimum 61 400` for seeds the rules were not tuned on.
    if (args.Length < 3
        || !int.TryParse(args[1], CultureInfo.InvariantCulture, out var from)
        || !int.TryParse(args[2], CultureInfo.InvariantCulture, out var to)
        || from < 1
        || to < from)
    {
        await Console.Error.WriteLineAsync("usage: optimum FROM TO (seeds, 1 <= FROM <= TO)");
        return 2;
    }

    AllocatorOptimum.Run(from, to, Console.Out);
}

if (name is "topology" or "all")
{
    await TopologyRead.RunAsync(quick, Console.Out, cts.Token);
}

if (name is "lab")
{
    await LabCreateLatency.RunAsync(quick ? 1 : 3, Console.Out, cts.Token);
}

return 0;
