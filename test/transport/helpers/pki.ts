/** A throwaway PKI made with the openssl CLI: a test CA, a good server cert, an expired one, one for another host, and an unrelated CA. */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

export interface CertPair { key: string; cert: string }
export interface Pki { dir: string; caFile: string; ca: string; otherCaFile: string; good: CertPair; expired: CertPair; wrongHost: CertPair; byOtherCa: CertPair }

function ossl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** `ip` is the address the good certificate is for. */
export function makePki(dir: string, ip: string): Pki {
  mkdirSync(dir, { recursive: true });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  for (const ca of ['ca', 'other']) {
    ossl(dir, ['req', '-x509', ...ec, '-keyout', `${ca}.key`, '-out', `${ca}.crt`, '-days', '30', '-subj', `/CN=amr test ${ca} CA`]);
  }
  // `openssl ca` is the one 3.0 tool that can set past validity dates (for the expired certificate).
  mkdirSync(join(dir, 'db'), { recursive: true });
  writeFileSync(join(dir, 'db', 'index.txt'), '');
  writeFileSync(join(dir, 'db', 'serial'), '1000\n');
  const cnf = (ca: string) => `[ca]\ndefault_ca=d\n[d]\ndir=${dir}\ndatabase=${dir}/db/index.txt\nserial=${dir}/db/serial\nnew_certs_dir=${dir}/db\ncertificate=${dir}/${ca}.crt\nprivate_key=${dir}/${ca}.key\ndefault_md=sha256\npolicy=p\ncopy_extensions=copy\nunique_subject=no\n[p]\ncommonName=supplied\n`;
  writeFileSync(join(dir, 'ca.cnf'), cnf('ca'));
  writeFileSync(join(dir, 'other.cnf'), cnf('other'));
  const issue = (name: string, san: string, caName: string, dates: string[]) => {
    ossl(dir, ['req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`, '-addext', `subjectAltName=${san}`]);
    ossl(dir, ['ca', '-batch', '-config', `${caName}.cnf`, '-in', `${name}.csr`, '-out', `${name}.crt`, '-notext', ...dates]);
    return { key: readFileSync(join(dir, `${name}.key`), 'utf8'), cert: readFileSync(join(dir, `${name}.crt`), 'utf8') };
  };
  const valid = ['-days', '30'];
  const good = issue('good', `IP:${ip},DNS:localhost`, 'ca', valid);
  const expired = issue('expired', `IP:${ip},DNS:localhost`, 'ca', ['-startdate', '20200101000000Z', '-enddate', '20200201000000Z']);
  const wrongHost = issue('wronghost', 'DNS:s9.example.net', 'ca', valid);
  const byOtherCa = issue('byother', `IP:${ip},DNS:localhost`, 'other', valid);
  return {
    dir, caFile: join(dir, 'ca.crt'), ca: readFileSync(join(dir, 'ca.crt'), 'utf8'), otherCaFile: join(dir, 'other.crt'),
    good, expired, wrongHost, byOtherCa,
  };
}
