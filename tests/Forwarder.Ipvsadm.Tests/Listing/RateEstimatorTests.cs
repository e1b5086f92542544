using Forwarder.Core.Services;

namespace Forwarder.Ipvsadm.Tests.Listing;

/// <summary>The kernel's estimator (ip_vs_est.c): 2-second ticks, EWMA of weight 1/4 on scaled rates.</summary>
public sealed class RateEstimatorTests
{
    private const long Tick = RateEstimator.IntervalMicroseconds;

    [Test]
    public void BeforeTheFirstTick_RatesAreZero()
    {
        var counters = new TrafficCounters();
        var estimator = new RateEstimator(counters, 0);
        counters.Connections = 1000;

        estimator.Sample(counters, Tick - 1);

        Assert.That(estimator.Rates, Is.EqualTo(TrafficRates.Zero));
    }

    [Test]
    public void SteadyTraffic_ConvergesOnTheTrueRate()
    {
        var counters = new TrafficCounters();
        var estimator = new RateEstimator(counters, 0);
        for (var tick = 1; tick <= 60; tick++)
        {
            counters.Connections += 100;        // 50 per second
            counters.InPackets += 2_000;        // 1000 per second
            counters.OutPackets += 1_000;       // 500 per second
            counters.InBytes += 3_000_000;      // 1.5 MB/s
            counters.OutBytes += 20_000;        // 10 kB/s
            estimator.Sample(counters, tick * Tick);
        }

        Assert.That(estimator.Rates, Is.EqualTo(new TrafficRates(50, 1000, 500, 1_500_000, 10_000)));
    }

    [Test]
    public void EachTick_MovesAQuarterOfTheWay()
    {
        var counters = new TrafficCounters();
        var estimator = new RateEstimator(counters, 0);
        var seen = new List<long>();
        for (var tick = 1; tick <= 3; tick++)
        {
            counters.Connections += 200;        // 100 per second
            estimator.Sample(counters, tick * Tick);
            seen.Add(estimator.Rates.ConnectionsPerSecond);
        }

        // 25, then 25 + 75/4 = 43.75, then 43.75 + 56.25/4 = 57.8, each read rounded to the nearest.
        Assert.That(seen, Is.EqualTo(new long[] { 25, 44, 58 }));
    }

    [Test]
    public void TrafficStops_RatesDecayToZero()
    {
        var counters = new TrafficCounters();
        var estimator = new RateEstimator(counters, 0);
        counters.InPackets = 10_000;
        estimator.Sample(counters, Tick);
        Assert.That(estimator.Rates.InPacketsPerSecond, Is.EqualTo(1250));

        // A late call runs every missed tick; the later ones see no new traffic.
        estimator.Sample(counters, 100 * Tick);

        Assert.That(estimator.Rates, Is.EqualTo(TrafficRates.Zero));
    }

    [Test]
    public void Reset_DropsTheAveragesAndCountsFromThePresentValues()
    {
        var counters = new TrafficCounters { Connections = 500 };
        var estimator = new RateEstimator(counters, 0);
        counters.Connections = 900;
        estimator.Sample(counters, Tick);

        estimator.Reset(counters, Tick);
        estimator.Sample(counters, 2 * Tick);

        Assert.That(estimator.Rates, Is.EqualTo(TrafficRates.Zero));
    }
}
