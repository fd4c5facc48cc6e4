'use strict';
/**
 * Organization-scale history on Amazon Athena (docs/replay.md, "Athena"): resources and the replay
 * role's statements that exist only when the stage sets `historyBucket` (the organization trail's
 * bucket). Without it every export here is empty, so the template carries nothing of it.
 *
 * - a Glue database and the CloudTrail table of the Athena guide over
 *   `s3://<historyBucket>/<historyPrefix>/AWSLogs/<orgId>/<account>/CloudTrail/<region>/<yyyy>/<MM>/<dd>/`,
 *   CloudTrail SerDe, partition projection: `account` injected (AWS's advice when accounts are many:
 *   every query names its accounts), `region` enum (`historyRegions`), `timestamp` date `yyyy/MM/dd`;
 * - an Athena workgroup that enforces its results location and a per-query cutoff
 *   (`historyCutoffBytes`, BytesScannedCutoffPerQuery: a query that would scan more is cancelled);
 * - a results bucket whose objects expire after `historyResultsDays`;
 * - replay role statements: Athena on that workgroup only, Glue read on that table, S3 read on the
 *   trail prefix, read/write on the results bucket (and kms:Decrypt on `historyKmsKeyArn` if set).
 * @see https://docs.aws.amazon.com/athena/latest/ug/create-cloudtrail-table-partition-projection.html
 * @see https://docs.aws.amazon.com/athena/latest/ug/partition-projection-dynamic-id-partitioning.html
 * @see https://docs.aws.amazon.com/athena/latest/ug/workgroups-setting-control-limits-cloudwatch.html
 */

const NO_VALUE = { Ref: 'AWS::NoValue' };

const { text, list } = require('./params.cjs');

/** Athena's smallest per-query cutoff (10 MB). */
const MIN_CUTOFF = 10_000_000;

/** The table's columns: the CloudTrail table of the Athena guide (every field a string or a struct of strings). */
const COLUMNS = [
  ['eventversion', 'string'],
  [
    'useridentity',
    'struct<type:string,principalid:string,arn:string,accountid:string,invokedby:string,accesskeyid:string,username:string,onbehalfof:struct<userid:string,identitystorearn:string>,sessioncontext:struct<attributes:struct<mfaauthenticated:string,creationdate:string>,sessionissuer:struct<type:string,principalid:string,arn:string,accountid:string,username:string>,ec2roledelivery:string,webidfederationdata:struct<federatedprovider:string,attributes:map<string,string>>>>',
  ],
  ['eventtime', 'string'],
  ['eventsource', 'string'],
  ['eventname', 'string'],
  ['awsregion', 'string'],
  ['sourceipaddress', 'string'],
  ['useragent', 'string'],
  ['errorcode', 'string'],
  ['errormessage', 'string'],
  ['requestparameters', 'string'],
  ['responseelements', 'string'],
  ['additionaleventdata', 'string'],
  ['requestid', 'string'],
  ['eventid', 'string'],
  ['readonly', 'string'],
  ['resources', 'array<struct<arn:string,accountid:string,type:string>>'],
  ['eventtype', 'string'],
  ['apiversion', 'string'],
  ['recipientaccountid', 'string'],
  ['serviceeventdetails', 'string'],
  ['sharedeventid', 'string'],
  ['vpcendpointid', 'string'],
  ['vpcendpointaccountid', 'string'],
  ['eventcategory', 'string'],
  ['tlsdetails', 'struct<tlsversion:string,ciphersuite:string,clientprovidedhostheader:string>'],
];

/** Reads and validates the history parameters; null when `historyBucket` is empty. */
async function settings(resolveVariable) {
  const bucket = await text(resolveVariable, 'historyBucket');
  if (bucket === '') return null;
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) throw new Error(`param historyBucket must be an S3 bucket name, got "${bucket}"`);
  const orgId = await text(resolveVariable, 'orgId');
  if (!/^o-[a-z0-9]{10,32}$/.test(orgId)) throw new Error(`param historyBucket needs orgId (o-xxxxxxxxxx): the organization trail writes under AWSLogs/<orgId>/, got "${orgId}"`);
  const prefix = (await text(resolveVariable, 'historyPrefix')).replace(/^\/+|\/+$/g, '');
  if (prefix !== '' && !/^[A-Za-z0-9!_.*'()/-]+$/.test(prefix)) throw new Error(`param historyPrefix must be an S3 key prefix, got "${prefix}"`);
  const stage = String(await resolveVariable('sls:stage'));
  const service = String(await resolveVariable('self:service'));
  const region = String(await resolveVariable('self:provider.region'));
  const regions = list(await text(resolveVariable, 'historyRegions'));
  const replayRegions = list(await text(resolveVariable, 'replayRegions'));
  const enumRegions = regions.length > 0 ? regions : replayRegions.length > 0 ? replayRegions : [region];
  for (const r of enumRegions) if (!/^[a-z]{2}(-[a-z]+)?-[a-z]+-\d{1,2}$/.test(r)) throw new Error(`param historyRegions holds "${r}", which is not a Region code`);
  const start = (await text(resolveVariable, 'historyStart')) || '2025/01/01';
  if (!/^\d{4}\/\d{2}\/\d{2}$/.test(start)) throw new Error(`param historyStart must be a day as yyyy/MM/dd, got "${start}"`);
  const cutoffText = (await text(resolveVariable, 'historyCutoffBytes')) || '10000000000';
  if (!/^\d+$/.test(cutoffText) || Number(cutoffText) < MIN_CUTOFF) throw new Error(`param historyCutoffBytes must be a whole number of bytes, at least ${MIN_CUTOFF} (Athena's minimum), got "${cutoffText}"`);
  const days = (await text(resolveVariable, 'historyResultsDays')) || '7';
  if (!/^\d+$/.test(days) || Number(days) < 1) throw new Error(`param historyResultsDays must be a whole number of days, at least 1, got "${days}"`);
  const accounts = list(await text(resolveVariable, 'historyAccounts'));
  for (const a of accounts) if (!/^\d{12}$/.test(a)) throw new Error(`param historyAccounts holds "${a}", which is not a 12-digit account ID`);
  const kmsKeyArn = await text(resolveVariable, 'historyKmsKeyArn');
  if (kmsKeyArn !== '' && !/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/.+$/.test(kmsKeyArn)) throw new Error(`param historyKmsKeyArn must be a KMS key ARN, got "${kmsKeyArn}"`);
  const trailPath = `${prefix === '' ? '' : `${prefix}/`}AWSLogs/${orgId}`;
  return {
    bucket,
    trailPath,
    orgId,
    enumRegions,
    start,
    cutoff: Number(cutoffText),
    resultsDays: Number(days),
    accounts,
    kmsKeyArn,
    database: `${service}_${stage}_history`.replace(/[^a-z0-9_]/g, '_'),
    table: 'cloudtrail',
    workGroup: `${service}-${stage}-${region}-history`,
  };
}

/** Glue database and table, Athena workgroup, results bucket; `{}` without `historyBucket`. */
module.exports.historyResources = async ({ resolveVariable }) => {
  const s = await settings(resolveVariable);
  if (s === null) return {};
  const location = `s3://${s.bucket}/${s.trailPath}/`;
  return {
    Resources: {
      HistoryDatabase: {
        Type: 'AWS::Glue::Database',
        Properties: {
          CatalogId: { Ref: 'AWS::AccountId' },
          DatabaseInput: { Name: s.database, Description: 'cris-auditor: the organization trail, for Athena replays' },
        },
      },
      HistoryTable: {
        Type: 'AWS::Glue::Table',
        Properties: {
          CatalogId: { Ref: 'AWS::AccountId' },
          DatabaseName: { Ref: 'HistoryDatabase' },
          TableInput: {
            Name: s.table,
            Description: 'Organization trail (CloudTrail SerDe) with partition projection: account injected, region enum, timestamp date',
            TableType: 'EXTERNAL_TABLE',
            Parameters: {
              EXTERNAL: 'TRUE',
              classification: 'cloudtrail',
              'projection.enabled': 'true',
              'projection.account.type': 'injected',
              'projection.region.type': 'enum',
              'projection.region.values': s.enumRegions.join(','),
              'projection.timestamp.type': 'date',
              'projection.timestamp.format': 'yyyy/MM/dd',
              'projection.timestamp.range': `${s.start},NOW`,
              'projection.timestamp.interval': '1',
              'projection.timestamp.interval.unit': 'DAYS',
              // Fn::Sub's ${!name} is the literal ${name} that projection fills in.
              'storage.location.template': { 'Fn::Sub': `${location}\${!account}/CloudTrail/\${!region}/\${!timestamp}` },
            },
            PartitionKeys: [
              { Name: 'account', Type: 'string' },
              { Name: 'region', Type: 'string' },
              { Name: 'timestamp', Type: 'string' },
            ],
            StorageDescriptor: {
              Columns: COLUMNS.map(([Name, Type]) => ({ Name, Type })),
              Location: location,
              InputFormat: 'com.amazon.emr.cloudtrail.CloudTrailInputFormat',
              OutputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
              SerdeInfo: { SerializationLibrary: 'com.amazon.emr.hive.serde.CloudTrailSerde' },
            },
          },
        },
      },
      HistoryResultsBucket: {
        Type: 'AWS::S3::Bucket',
        Properties: {
          BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
          PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
          OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
          LifecycleConfiguration: {
            Rules: [
              // Query results hold Bedrock call details: keep them only as long as a replay needs them.
              { Id: 'ExpireQueryResults', Status: 'Enabled', ExpirationInDays: s.resultsDays, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } },
            ],
          },
        },
      },
      HistoryResultsBucketPolicy: {
        Type: 'AWS::S3::BucketPolicy',
        Properties: {
          Bucket: { Ref: 'HistoryResultsBucket' },
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Sid: 'DenyInsecureTransport',
                Effect: 'Deny',
                Principal: '*',
                Action: 's3:*',
                Resource: [{ 'Fn::GetAtt': ['HistoryResultsBucket', 'Arn'] }, { 'Fn::Sub': '${HistoryResultsBucket.Arn}/*' }],
                Condition: { Bool: { 'aws:SecureTransport': 'false' } },
              },
            ],
          },
        },
      },
      HistoryWorkGroup: {
        Type: 'AWS::Athena::WorkGroup',
        Properties: {
          Name: s.workGroup,
          Description: 'cris-auditor replays over the organization trail',
          State: 'ENABLED',
          RecursiveDeleteOption: true,
          WorkGroupConfiguration: {
            BytesScannedCutoffPerQuery: s.cutoff,
            EnforceWorkGroupConfiguration: true,
            PublishCloudWatchMetricsEnabled: true,
            EngineVersion: { SelectedEngineVersion: 'Athena engine version 3' },
            ResultConfiguration: {
              OutputLocation: { 'Fn::Sub': 's3://${HistoryResultsBucket}/results/' },
              EncryptionConfiguration: { EncryptionOption: 'SSE_S3' },
            },
          },
        },
      },
    },
    Outputs: {
      HistoryWorkGroupName: { Description: 'Athena workgroup of source: athena replays', Value: { Ref: 'HistoryWorkGroup' } },
      HistoryTableName: { Description: 'Glue database.table of the organization trail', Value: `${s.database}.${s.table}` },
    },
  };
};

/** Environment of the replay function for `source: "athena"`; `{}` without `historyBucket`. */
module.exports.historyEnvironment = async (resolveVariable, local) => {
  const s = await settings(resolveVariable);
  if (s === null) return {};
  return {
    HISTORY_WORKGROUP: local ? s.workGroup : { Ref: 'HistoryWorkGroup' },
    HISTORY_DATABASE: s.database,
    HISTORY_TABLE: s.table,
    ...(s.accounts.length === 0 ? {} : { HISTORY_ACCOUNTS: s.accounts.join(',') }),
  };
};

const athenaArn = (s) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:athena:\${AWS::Region}:\${AWS::AccountId}:workgroup/${s.workGroup}` });

/** Runs queries in the history workgroup only. */
module.exports.historyAthenaStatement = async ({ resolveVariable }) => {
  const s = await settings(resolveVariable);
  if (s === null) return NO_VALUE;
  return { Sid: 'HistoryQueries', Effect: 'Allow', Action: ['athena:StartQueryExecution', 'athena:GetQueryExecution', 'athena:GetQueryResults'], Resource: athenaArn(s) };
};

/** Reads the trail table's definition (Athena reads it under the caller's identity). */
module.exports.historyGlueStatement = async ({ resolveVariable }) => {
  const s = await settings(resolveVariable);
  if (s === null) return NO_VALUE;
  return {
    Sid: 'HistoryTableDefinition',
    Effect: 'Allow',
    Action: ['glue:GetDatabase', 'glue:GetTable'],
    Resource: [
      { 'Fn::Sub': 'arn:${AWS::Partition}:glue:${AWS::Region}:${AWS::AccountId}:catalog' },
      { 'Fn::Sub': `arn:\${AWS::Partition}:glue:\${AWS::Region}:\${AWS::AccountId}:database/${s.database}` },
      { 'Fn::Sub': `arn:\${AWS::Partition}:glue:\${AWS::Region}:\${AWS::AccountId}:table/${s.database}/${s.table}` },
    ],
  };
};

/** Reads the organization trail's objects, under its prefix only. */
module.exports.historyTrailReadStatement = async ({ resolveVariable }) => {
  const s = await settings(resolveVariable);
  if (s === null) return NO_VALUE;
  return { Sid: 'HistoryTrailObjects', Effect: 'Allow', Action: 's3:GetObject', Resource: { 'Fn::Sub': `arn:\${AWS::Partition}:s3:::${s.bucket}/${s.trailPath}/*` } };
};

/** Lists the organization trail's prefix only. */
module.exports.historyTrailListStatement = async ({ resolveVariable }) => {
  const s = await settings(resolveVariable);
  if (s === null) return NO_VALUE;
  return {
    Sid: 'HistoryTrailListing',
    Effect: 'Allow',
    Action: 's3:ListBucket',
    Resource: { 'Fn::Sub': `arn:\${AWS::Partition}:s3:::${s.bucket}` },
    Condition: { StringLike: { 's3:prefix': [`${s.trailPath}/*`, `${s.trailPath}/`] } },
  };
};

/** Locates the trail bucket (GetBucketLocation carries no s3:prefix, so it cannot share the listing's condition). */
module.exports.historyTrailLocationStatement = async ({ resolveVariable }) => {
  const s = await settings(resolveVariable);
  if (s === null) return NO_VALUE;
  return { Sid: 'HistoryTrailBucketLocation', Effect: 'Allow', Action: 's3:GetBucketLocation', Resource: { 'Fn::Sub': `arn:\${AWS::Partition}:s3:::${s.bucket}` } };
};

/** Writes and reads the workgroup's query results. */
module.exports.historyResultsStatement = async ({ resolveVariable }) => {
  const s = await settings(resolveVariable);
  if (s === null) return NO_VALUE;
  return {
    Sid: 'HistoryQueryResults',
    Effect: 'Allow',
    Action: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
    Resource: { 'Fn::Sub': '${HistoryResultsBucket.Arn}/results/*' },
  };
};

/** Locates and lists the results bucket. */
module.exports.historyResultsBucketStatement = async ({ resolveVariable }) => {
  const s = await settings(resolveVariable);
  if (s === null) return NO_VALUE;
  return { Sid: 'HistoryResultsBucket', Effect: 'Allow', Action: ['s3:GetBucketLocation', 's3:ListBucket'], Resource: { 'Fn::GetAtt': ['HistoryResultsBucket', 'Arn'] } };
};

/** Decrypts trail files encrypted with the trail's KMS key, through S3 only. */
module.exports.historyKmsStatement = async ({ resolveVariable }) => {
  const s = await settings(resolveVariable);
  if (s === null || s.kmsKeyArn === '') return NO_VALUE;
  return {
    Sid: 'HistoryTrailKey',
    Effect: 'Allow',
    Action: 'kms:Decrypt',
    Resource: s.kmsKeyArn,
    Condition: { StringEquals: { 'kms:ViaService': { 'Fn::Sub': 's3.${AWS::Region}.amazonaws.com' } } },
  };
};
