using System.Buffers;

namespace Forwarder.Ipvsadm.Control;

/// <summary>
/// A frame's payload read as its bytes arrive, into a pooled buffer that starts small and doubles only when the
/// bytes received fill it: a header announcing 16 MiB costs nothing until 16 MiB is actually sent. Each growth
/// is drawn from the server's <see cref="RequestByteBudget"/> first (the client reads its one answer unbudgeted).
/// </summary>
public sealed class ArrivingPayload : IDisposable
{
    private const int FirstBufferBytes = 4096;

    private readonly RequestByteBudget? _budget;
    private byte[] _buffer = [];
    private int _capacity;
    private int _length;

    private ArrivingPayload(RequestByteBudget? budget) => _budget = budget;

    public ReadOnlyMemory<byte> Bytes => _buffer.AsMemory(0, _length);

    /// <exception cref="ControlProtocolException">The stream ended before <paramref name="length"/> bytes.</exception>
    /// <exception cref="ControlRequestRefusedException">The budget has no room for the next growth.</exception>
    public static async Task<ArrivingPayload> ReadAsync(Stream stream, int length, RequestByteBudget? budget, CancellationToken cancellationToken)
    {
        var payload = new ArrivingPayload(budget);
        try
        {
            while (payload._length < length)
            {
                if (payload._length == payload._capacity)
                {
                    payload.Grow(Math.Min(length, Math.Max(FirstBufferBytes, payload._capacity * 2)));
                }
                var read = await stream.ReadAsync(payload._buffer.AsMemory(payload._length, payload._capacity - payload._length), cancellationToken)
                    .ConfigureAwait(false);
                if (read == 0)
                {
                    throw new ControlProtocolException("the control message ended early");
                }
                payload._length += read;
            }
            return payload;
        }
        catch
        {
            payload.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        if (_capacity == 0)
        {
            return;
        }
        ArrayPool<byte>.Shared.Return(_buffer);
        _budget?.Release(_capacity);
        _buffer = [];
        _capacity = 0;
        _length = 0;
    }

    private void Grow(int capacity)
    {
        if (_budget is { } budget && !budget.TryReserve(capacity - _capacity))
        {
            throw new ControlRequestRefusedException(
                $"the director is busy: requests on its control socket already hold the {budget.CapacityBytes} bytes it keeps for them; try again");
        }
        var grown = ArrayPool<byte>.Shared.Rent(capacity);
        _buffer.AsSpan(0, _length).CopyTo(grown);
        if (_capacity > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }
        _buffer = grown;
        _capacity = capacity;
    }
}
