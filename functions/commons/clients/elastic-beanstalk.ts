/** Elastic Beanstalk client, built once per process (honours AWS_ENDPOINT_URL for the sandbox). */
import { ElasticBeanstalkClient } from '@aws-sdk/client-elastic-beanstalk';

export const elasticBeanstalk = new ElasticBeanstalkClient({});
