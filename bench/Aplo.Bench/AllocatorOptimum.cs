using System.Globalization;
using Aplo.Core.Allocation;
using Aplo.Core.Tests.Allocation;

namespace Aplo.Bench;

/// <summary>
/// Issue 4, "on small cases, within 2% of the exhaustive optimum": for small random cases (<see cref="StreamCase.Small"/>),
/// the volumes the allocator places before its first refusal against the exhaustive optimum of the same stream, as a
/// ratio of delivered sizes. A case whose search exceeds the state budget is counted as undecided and left out.
/// Each shortfall is attributed: if the allocator reaches the optimum once every node is put in a zone of its own
/// (zones play no part in validity without strict zones, so the optimum is unchanged), the shortfall is the price of
/// spreading zones (ADR 0006); otherwise it is the allocator's choice without knowing the rest of the stream.
/// The same cases are also compared with the optimum that keeps the allocator's zone preference as a rule
/// (<c>preferSpread</c>): the most any sequence of placements reaches while spreading each set over zones wherever
/// the volume can be placed so.
/// </summary>
internal static class AllocatorOptimum
{
    private const long StateBudget = 5_000;

    public static void Run(bool quick, TextWriter output) => Run(1, quick ? 20 : 60, output);

    /// <summary>The same comparison over seeds <paramref name="from"/>–<paramref name="to"/>, e.g. seeds not used to tune the rules.</summary>
    public static void Run(int from, int to, TextWriter output)
    {
        var cases = to - from + 1;
        var limits = AllocationLimits.Default;
        var ratios = new List<double>();
        var undecided = 0;
        var trivial = 0;
        var shortfalls = new List<string>();
        var zoneShortfalls = 0;
        var spreadRatios = new List<double>();
        var spreadUndecided = 0;
        var spreadShortfalls = new List<string>();
        for (var seed = from; seed <= to; seed++)
        {
            var c = StreamCase.Small(seed);
            int optimum;
            try
            {
                optimum = new ExhaustiveOptimum(c, limits, budget: StateBudget).Placed();
            }
            catch (SearchBudgetExceededException)
            {
                undecided++;
                continue;
            }

            if (optimum == 0)
            {
                // Not even the first volume fits anywhere: nothing to compare.
                trivial++;
                continue;
            }

            var placed = c.PlaceWith(new BrickAllocator(limits));
            var ratio = c.Delivered(placed) / (double)c.Delivered(optimum);
            ratios.Add(ratio);
            try
            {
                var spreadOptimum = c.StrictZones ? optimum : new ExhaustiveOptimum(c, limits, budget: StateBudget, preferSpread: true).Placed();
                var spreadRatio = c.Delivered(placed) / (double)c.Delivered(spreadOptimum);
                spreadRatios.Add(spreadRatio);
                if (spreadRatio < 0.98)
                {
                    spreadShortfalls.Add(string.Create(CultureInfo.InvariantCulture, $"{seed} ({placed}/{spreadOptimum})"));
                }
            }
            catch (SearchBudgetExceededException)
            {
                spreadUndecided++;
            }

            if (ratio < 0.98)
            {
                var ownZones = c with { Devices = [.. c.Devices.Select(d => d with { Zone = int.Parse(d.NodeId[1..], CultureInfo.InvariantCulture) + 1 })] };
                var zoneSpread = !c.StrictZones && ownZones.Delivered(ownZones.PlaceWith(new BrickAllocator(limits))) >= 0.98 * c.Delivered(optimum);
                zoneShortfalls += zoneSpread ? 1 : 0;
                shortfalls.Add(string.Create(CultureInfo.InvariantCulture, $"{seed} ({placed}/{optimum}{(zoneSpread ? ", zones" : "")})"));
            }
        }

        if (ratios.Count == 0 || spreadRatios.Count == 0)
        {
            output.WriteLine($"Seeds {from}–{to}: no case could be compared ({undecided} undecided, {trivial} where not even the first volume fits).");
            return;
        }

        var sorted = ratios.Order().ToList();
        output.WriteLine($"Allocator ÷ exhaustive optimum on {cases} small cases (seeds {from}–{to}; 3–4 nodes in 3 zones, 1–3 devices of 4–16 GiB, volumes of 1–8 GiB):");
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"- {ratios.Count} compared, {undecided} undecided (over {StateBudget:N0} states), {trivial} where not even the first volume fits"));
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"- delivered ratio min {sorted[0]:0.000} / median {sorted[((sorted.Count + 1) / 2) - 1]:0.000} / mean {ratios.Average():0.000}; at the optimum in {ratios.Count(r => r >= 1)} cases (above it in {ratios.Count(r => r > 1)}), ≥ 0.98 in {ratios.Count(r => r >= 0.98)}"));
        output.WriteLine($"- below 0.98 ({shortfalls.Count}, of which {zoneShortfalls} reach 0.98 with a zone per node): seed (allocator/optimum volumes): {string.Join(", ", shortfalls)}");
        var spreadSorted = spreadRatios.Order().ToList();
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"- against the optimum that also spreads zones where it can: {spreadRatios.Count} compared ({spreadUndecided} more undecided); ratio min {spreadSorted[0]:0.000} / median {spreadSorted[((spreadSorted.Count + 1) / 2) - 1]:0.000} / mean {spreadRatios.Average():0.000}; at it in {spreadRatios.Count(r => r == 1)}, above it in {spreadRatios.Count(r => r > 1)}, ≥ 0.98 in {spreadRatios.Count(r => r >= 0.98)}; below 0.98: {string.Join(", ", spreadShortfalls)}"));
    }
}
