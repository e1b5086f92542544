namespace Forwarder.Core.Sync;

/// <summary>Where a master's finished messages go (the live director's multicast socket; a test's list). Called on the engine's thread.</summary>
public interface ISyncMessageSink
{
    /// <summary>Sends one message; the span is reused once this returns. False when it could not be sent (counted, not retried).</summary>
    bool Send(ReadOnlySpan<byte> message);
}
