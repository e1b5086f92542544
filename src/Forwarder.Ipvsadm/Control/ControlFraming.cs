using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Forwarder.Ipvsadm.Execution;

namespace Forwarder.Ipvsadm.Control;

/// <summary>
/// The control protocol's framing: one request and one response per connection, each a frame of
/// <code>
/// frame    = magic(4 ASCII bytes) length(u32) payload[length]      ; integers big-endian, length ≤ 16 MiB
/// request  = magic "FWQ1", payload = count(u32) string[count] stdin(string)
/// response = magic "FWR1", payload = exit(i32) stdout(string) stderr(string)
/// string   = length(u32) UTF-8 bytes[length]
/// </code>
/// The client sends its request and reads the response; the server answers and closes. The server may answer
/// before it has read the whole request (a refusal: too large, busy, not authorised), so a client whose write
/// fails still reads the answer.
/// </summary>
public static class ControlFraming
{
    /// <summary>
    /// The largest payload either way: 16 MiB, three times a 110,000-line -R (about 5 MB). The server never
    /// allocates it up front (<see cref="ArrivingPayload"/>).
    /// </summary>
    public const int MaximumPayloadBytes = 16 * 1024 * 1024;

    private const int HeaderBytes = 8;

    private static readonly byte[] RequestMagic = "FWQ1"u8.ToArray();
    private static readonly byte[] ResponseMagic = "FWR1"u8.ToArray();

    /// <summary>The words for a request over <see cref="MaximumPayloadBytes"/>, said by whichever side finds it.</summary>
    public static string RequestTooLarge(long bytes) =>
        $"a request of {bytes} bytes is over the control socket's limit of {MaximumPayloadBytes} bytes (16 MiB)";

    public static async Task WriteRequestAsync(Stream stream, IpvsadmInvocation invocation, CancellationToken cancellationToken) =>
        await WriteFrameAsync(stream, EncodeRequest(invocation), cancellationToken).ConfigureAwait(false);

    /// <summary>The whole request frame, so a client can refuse one that is too large before it connects.</summary>
    /// <exception cref="ControlRequestRefusedException">The request is over <see cref="MaximumPayloadBytes"/>.</exception>
    public static byte[] EncodeRequest(IpvsadmInvocation invocation)
    {
        var payload = new PayloadWriter(RequestMagic);
        payload.WriteUInt32((uint)invocation.Arguments.Count);
        foreach (var argument in invocation.Arguments)
        {
            payload.WriteString(argument);
        }
        payload.WriteString(invocation.StandardInput);
        return payload.PayloadBytes > MaximumPayloadBytes
            ? throw new ControlRequestRefusedException(RequestTooLarge(payload.PayloadBytes))
            : payload.ToFrame();
    }

    public static async Task WriteFrameAsync(Stream stream, byte[] frame, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(frame, cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public static Task<IpvsadmInvocation> ReadRequestAsync(Stream stream, CancellationToken cancellationToken) =>
        ReadRequestAsync(stream, budget: null, cancellationToken);

    /// <summary>Reads a request as it arrives, its buffer drawn from <paramref name="budget"/>.</summary>
    /// <exception cref="ControlRequestRefusedException">Over the size limit, or the budget is spent: answer, don't drop.</exception>
    public static async Task<IpvsadmInvocation> ReadRequestAsync(Stream stream, RequestByteBudget? budget, CancellationToken cancellationToken)
    {
        using var frame = await ReadFrameAsync(stream, RequestMagic, budget, cancellationToken).ConfigureAwait(false);
        var payload = new PayloadReader(frame.Bytes);
        var count = payload.ReadUInt32();
        // Every argument takes at least its 4-byte length, which bounds a lying count.
        if (count > MaximumPayloadBytes / sizeof(uint))
        {
            throw new ControlProtocolException($"a request cannot hold {count} arguments");
        }
        var arguments = new string[count];
        for (var i = 0; i < arguments.Length; i++)
        {
            arguments[i] = payload.ReadString();
        }
        var standardInput = payload.ReadString();
        payload.EnsureEnd();
        return new IpvsadmInvocation(arguments, standardInput);
    }

    public static async Task WriteResponseAsync(Stream stream, IpvsadmResult result, CancellationToken cancellationToken)
    {
        var payload = new PayloadWriter(ResponseMagic);
        payload.WriteUInt32(unchecked((uint)result.ExitCode));
        payload.WriteString(result.StandardOutput);
        payload.WriteString(result.StandardError);
        if (payload.PayloadBytes > MaximumPayloadBytes)
        {
            throw new ControlProtocolException($"a control message of {payload.PayloadBytes} bytes is over the {MaximumPayloadBytes}-byte limit");
        }
        await WriteFrameAsync(stream, payload.ToFrame(), cancellationToken).ConfigureAwait(false);
    }

    public static async Task<IpvsadmResult> ReadResponseAsync(Stream stream, CancellationToken cancellationToken)
    {
        using var frame = await ReadFrameAsync(stream, ResponseMagic, budget: null, cancellationToken).ConfigureAwait(false);
        var payload = new PayloadReader(frame.Bytes);
        var exitCode = unchecked((int)payload.ReadUInt32());
        var output = payload.ReadString();
        var errors = payload.ReadString();
        payload.EnsureEnd();
        return new IpvsadmResult(exitCode, output, errors);
    }

    private static async Task<ArrivingPayload> ReadFrameAsync(Stream stream, byte[] magic, RequestByteBudget? budget, CancellationToken cancellationToken)
    {
        var header = new byte[HeaderBytes];
        try
        {
            await stream.ReadExactlyAsync(header, cancellationToken).ConfigureAwait(false);
        }
        catch (EndOfStreamException cut)
        {
            throw new ControlProtocolException("the control message ended early", cut);
        }
        if (!header.AsSpan(0, 4).SequenceEqual(magic))
        {
            throw new ControlProtocolException("not a forwarder control message");
        }
        var length = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(4));
        if (length > MaximumPayloadBytes)
        {
            throw magic == RequestMagic
                ? new ControlRequestRefusedException(RequestTooLarge(length))
                : new ControlProtocolException($"a control message of {length} bytes is over the {MaximumPayloadBytes}-byte limit");
        }
        return await ArrivingPayload.ReadAsync(stream, (int)length, budget, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes a frame's payload after room for its header, which <see cref="ToFrame"/> fills in.</summary>
    private sealed class PayloadWriter
    {
        private readonly ArrayBufferWriter<byte> _bytes = new();

        public PayloadWriter(byte[] magic)
        {
            magic.CopyTo(_bytes.GetSpan(HeaderBytes));
            _bytes.Advance(HeaderBytes);
        }

        public long PayloadBytes => _bytes.WrittenCount - HeaderBytes;

        public void WriteUInt32(uint value)
        {
            BinaryPrimitives.WriteUInt32BigEndian(_bytes.GetSpan(sizeof(uint)), value);
            _bytes.Advance(sizeof(uint));
        }

        public void WriteString(string text)
        {
            var length = Encoding.UTF8.GetByteCount(text);
            WriteUInt32((uint)length);
            Encoding.UTF8.GetBytes(text, _bytes.GetSpan(length));
            _bytes.Advance(length);
        }

        public byte[] ToFrame()
        {
            var frame = _bytes.WrittenSpan.ToArray();
            BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(4), (uint)PayloadBytes);
            return frame;
        }
    }

    private sealed class PayloadReader(ReadOnlyMemory<byte> payload)
    {
        private int _position;

        public uint ReadUInt32()
        {
            if (payload.Length - _position < 4)
            {
                throw new ControlProtocolException("the control message ended early");
            }
            var value = BinaryPrimitives.ReadUInt32BigEndian(payload.Span[_position..]);
            _position += 4;
            return value;
        }

        public string ReadString()
        {
            var length = ReadUInt32();
            if (length > (uint)(payload.Length - _position))
            {
                throw new ControlProtocolException("a string runs past the end of the control message");
            }
            var text = Encoding.UTF8.GetString(payload.Span.Slice(_position, (int)length));
            _position += (int)length;
            return text;
        }

        public void EnsureEnd()
        {
            if (_position != payload.Length)
            {
                throw new ControlProtocolException("the control message has bytes after its last field");
            }
        }
    }
}
