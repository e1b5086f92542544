namespace Forwarder.Ipvsadm.Control;

/// <summary>Bytes the control server's connections may hold between them for requests still arriving.</summary>
public sealed class RequestByteBudget(long capacityBytes)
{
    private long _reservedBytes;

    public long CapacityBytes { get; } = capacityBytes;

    public long ReservedBytes => Interlocked.Read(ref _reservedBytes);

    /// <summary>Takes <paramref name="bytes"/> from the budget, or nothing when that would overdraw it.</summary>
    public bool TryReserve(int bytes)
    {
        var reserved = Interlocked.Read(ref _reservedBytes);
        while (true)
        {
            if (reserved + bytes > CapacityBytes)
            {
                return false;
            }
            var seen = Interlocked.CompareExchange(ref _reservedBytes, reserved + bytes, reserved);
            if (seen == reserved)
            {
                return true;
            }
            reserved = seen;
        }
    }

    public void Release(int bytes) => Interlocked.Add(ref _reservedBytes, -bytes);
}
