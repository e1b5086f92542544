using Forwarder.Core.Services;

namespace Forwarder.Ipvsadm.Listing;

/// <summary>
/// One <see cref="RateEstimator"/> per service and destination of a table, as the kernel attaches one to each:
/// <see cref="Sample"/> starts estimators for counters it has not seen (from their values at that moment) and
/// runs the due 2-second ticks of all. Counters that leave the table drop their estimator with them.
/// </summary>
public sealed class ServiceRateEstimators : IRateSource
{

    /// <summary>Call at least every 2 seconds of engine time (µs) for the kernel's figures.</summary>
    public void Sample(ServiceTable table, long now)
    {
        foreach (var service in table.Services)
        {
            Sample(service.Counters, now);
            // Indexed, not foreach over the interface: no enumerator allocated per service and tick.
            var destinations = service.Destinations;
            for (var i = 0; i < destinations.Count; i++)
            {
                Sample(destinations[i].Counters, now);
            }
        }
    }

    public void Sample(TrafficCounters counters, long now)
    {
        if (counters.Estimator is { } estimator)
        {
            estimator.Sample(counters, now);
        }
        else
        {
            counters.Estimator = new RateEstimator(counters, now);
        }
    }

    /// <summary>As ipvsadm -Z: every estimator restarts from zero.</summary>
    public void Reset(ServiceTable table, long now)
    {
        foreach (var service in table.Services)
        {
            Reset(service, now);
        }
    }

    /// <summary>As ipvsadm -Z -t|-u: the estimators of one service and its destinations restart from zero.</summary>
    public void Reset(VirtualService service, long now)
    {
        Reset(service.Counters, now);
        foreach (var destination in service.Destinations)
        {
            Reset(destination.Counters, now);
        }
    }

    public TrafficRates RatesOf(TrafficCounters counters) =>
        counters.Estimator is { } estimator ? estimator.Rates : TrafficRates.Zero;

    private void Reset(TrafficCounters counters, long now)
    {
        counters.Estimator?.Reset(counters, now);
    }
}
