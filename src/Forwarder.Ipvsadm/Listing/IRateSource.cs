using Forwarder.Core.Services;

namespace Forwarder.Ipvsadm.Listing;

/// <summary>Where --rate finds the estimated rates of a service's or destination's counters.</summary>
public interface IRateSource
{
    TrafficRates RatesOf(TrafficCounters counters);
}
