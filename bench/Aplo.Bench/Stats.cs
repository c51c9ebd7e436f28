namespace Aplo.Bench;

/// <summary>Latency samples in milliseconds, with percentiles by nearest rank.</summary>
internal sealed class Stats
{
    private readonly List<double> samples = [];

    public int Count => samples.Count;

    public void Add(double ms)
    {
        lock (samples)
        {
            samples.Add(ms);
        }
    }

    public double Percentile(double p)
    {
        lock (samples)
        {
            if (samples.Count == 0)
            {
                return double.NaN;
            }

            var sorted = samples.Order().ToList();
            var rank = (int)Math.Ceiling(p / 100 * sorted.Count) - 1;
            return sorted[Math.Clamp(rank, 0, sorted.Count - 1)];
        }
    }
}
