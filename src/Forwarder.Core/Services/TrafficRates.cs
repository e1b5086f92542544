namespace Forwarder.Core.Services;

/// <summary>
/// The per-second rates <c>ipvsadm -L --rate</c> prints for a service or destination, as the kernel
/// reports them from its estimator: connections, packets and bytes per second, "In" being client to server.
/// </summary>
public readonly record struct TrafficRates(
    long ConnectionsPerSecond,
    long InPacketsPerSecond,
    long OutPacketsPerSecond,
    long InBytesPerSecond,
    long OutBytesPerSecond)
{
    public static readonly TrafficRates Zero = default;
}
