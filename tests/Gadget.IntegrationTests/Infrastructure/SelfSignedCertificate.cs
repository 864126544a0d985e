namespace Gadget.IntegrationTests.Infrastructure;

/// <summary>A throwaway key and certificate (CN=igtest) for openssl s_server, in a directory
/// removed on dispose.</summary>
internal sealed class SelfSignedCertificate : IDisposable
{
    private readonly string _dir = Paths.NewTempDirectory();

    public SelfSignedCertificate()
    {
        Shell.Run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=igtest",
            "-keyout", KeyPath, "-out", CertificatePath);
    }

    public string KeyPath => Path.Combine(_dir, "key.pem");

    public string CertificatePath => Path.Combine(_dir, "cert.pem");

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
